using System.Runtime.InteropServices;
using System.Text;

namespace KeylessGeo.Native;

/// <summary>
/// libcrypto.so.3's per-thread error queue. OpenSSL leaves an entry there for every failure; a thread
/// that serves many connections must clear it after each one, or a later call's error report would
/// name an old failure.
/// </summary>
public static unsafe partial class OpenSslErrors
{
    private const string Library = "libcrypto.so.3";

    [LibraryImport(Library, EntryPoint = "ERR_get_error")]
    private static partial nuint ErrorGet();

    [LibraryImport(Library, EntryPoint = "ERR_error_string_n")]
    private static partial void ErrorString(nuint error, byte* buffer, nuint length);

    /// <summary><c>ERR_clear_error</c>: forgets this thread's queued errors.</summary>
    [LibraryImport(Library, EntryPoint = "ERR_clear_error")]
    public static partial void Clear();

    /// <summary>Drains this thread's error queue into one line (diagnostics only: start-up, a refused handshake).</summary>
    public static string Drain()
    {
        var text = new StringBuilder();
        byte* buffer = stackalloc byte[256];
        for (var error = ErrorGet(); error != 0; error = ErrorGet())
        {
            ErrorString(error, buffer, 256);
            text.Append(text.Length > 0 ? "; " : string.Empty).Append(Marshal.PtrToStringUTF8((nint)buffer));
        }

        return text.ToString();
    }
}
