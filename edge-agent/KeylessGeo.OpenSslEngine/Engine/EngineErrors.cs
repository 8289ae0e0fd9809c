using System.Runtime.InteropServices;
using System.Text;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Engine;

/// <summary>
/// Reports failures the OpenSSL way: an entry on the calling thread's error queue under the
/// engine's own error library ("keylessgeo engine"), with a reason string and a message, which
/// nginx writes to its error log. Messages name settings, paths and Keyless codes; never key bytes.
/// </summary>
internal static unsafe class EngineErrors
{
    private static readonly (EngineError Reason, string Text)[] Reasons =
    [
        (EngineError.InvalidSetting, "invalid setting"),
        (EngineError.CertificateUnreadable, "certificate unreadable"),
        (EngineError.UnsupportedKeyType, "unsupported key type"),
        (EngineError.AgentUnreachable, "edge agent unreachable"),
        (EngineError.DeadlineExceeded, "deadline exceeded"),
        (EngineError.KeyserverError, "keyserver error"),
        (EngineError.UnsupportedOperation, "unsupported operation"),
        (EngineError.ProtocolError, "edge agent protocol error"),
        (EngineError.Internal, "internal error"),
    ];

    private static int _library;
    private static byte* _format;

    /// <summary>Registers the error library and its strings once per process.</summary>
    public static void Register()
    {
        lock (SetupGate.Gate)
        {
            if (_library == 0)
            {
                RegisterOnce();
            }
        }
    }

    private static void RegisterOnce()
    {
        var library = LibCrypto.ERR_get_next_error_library();
        _format = (byte*)Marshal.StringToCoTaskMemUTF8("%s");

        // ERR_STRING_DATA { unsigned long error; const char *string; }, ended by error 0. The table
        // stays allocated for the life of the process because OpenSSL keeps pointers into it.
        var reasons = (nint*)NativeMemory.AllocZeroed((nuint)((Reasons.Length + 1) * 2 * sizeof(nint)));
        for (var i = 0; i < Reasons.Length; i++)
        {
            reasons[2 * i] = (int)Reasons[i].Reason;
            reasons[(2 * i) + 1] = Marshal.StringToCoTaskMemUTF8(Reasons[i].Text);
        }

        LibCrypto.ERR_load_strings(library, (IntPtr)reasons);
        var name = (nint*)NativeMemory.AllocZeroed((nuint)(4 * sizeof(nint)));
        name[0] = (nint)((ulong)(library & 0xFF) << 23);
        name[1] = Marshal.StringToCoTaskMemUTF8("keylessgeo engine");
        LibCrypto.ERR_load_strings(library, (IntPtr)name);
        Volatile.Write(ref _library, library);
    }

    /// <summary>Pushes <paramref name="reason"/> with <paramref name="message"/> onto the error queue.</summary>
    public static void Raise(EngineError reason, string message)
    {
        if (_library == 0)
        {
            return;
        }

        var length = Encoding.UTF8.GetByteCount(message);
        Span<byte> text = length < 512 ? stackalloc byte[length + 1] : new byte[length + 1];
        Encoding.UTF8.GetBytes(message, text);
        text[length] = 0;
        fixed (byte* argument = text)
        {
            LibCrypto.ERR_new();
            LibCrypto.ERR_set_debug(null, 0, null);
            LibCrypto.ERR_set_error(_library, (int)reason, _format, argument);
        }
    }
}
