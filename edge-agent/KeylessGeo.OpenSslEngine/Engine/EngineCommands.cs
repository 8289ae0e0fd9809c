using System.Runtime.InteropServices;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Engine;

/// <summary>
/// The engine's control commands, settable from openssl.cnf (a line <c>SOCKET_PATH = …</c> in the
/// engine's section, before <c>init = 1</c>) or with <c>ENGINE_ctrl_cmd_string</c>.
/// </summary>
internal static unsafe class EngineCommands
{
    /// <summary>The agent's Keyless Unix socket path (string).</summary>
    public const int SocketPath = OpenSslConstants.EngineCmdBase;

    /// <summary>The per-operation deadline in milliseconds (a string parsed here, so that a bad value gets our message).</summary>
    public const int DeadlineMs = OpenSslConstants.EngineCmdBase + 1;

    private static IntPtr _definitions;

    /// <summary>
    /// The <c>ENGINE_CMD_DEFN</c> table ({ unsigned int num; const char *name, *desc; unsigned int
    /// flags; }, 32 bytes each, ended by a zero entry), built once and kept for the process.
    /// </summary>
    public static IntPtr Definitions()
    {
        lock (SetupGate.Gate)
        {
            return _definitions != IntPtr.Zero ? _definitions : Build();
        }
    }

    private static IntPtr Build()
    {
        var table = (byte*)NativeMemory.AllocZeroed(3 * 32);
        Define(table, SocketPath, "SOCKET_PATH", "the edge agent's Keyless Unix socket", OpenSslConstants.EngineCmdFlagString);
        Define(table + 32, DeadlineMs, "DEADLINE_MS", "deadline of one private-key operation in milliseconds", OpenSslConstants.EngineCmdFlagString);
        _definitions = (IntPtr)table;
        return _definitions;
    }

    /// <summary>
    /// The engine's <c>ctrl</c> function. A bad value is accepted here and kept as an error (see
    /// <see cref="EngineSettings"/>): failing would make OpenSSL skip the rest of the section,
    /// <c>init</c> included, and nginx would only say "not initialised".
    /// </summary>
    [UnmanagedCallersOnly]
    public static int Control(IntPtr engine, int command, nint number, IntPtr pointer, IntPtr function)
    {
        try
        {
            switch (command)
            {
                case SocketPath:
                    EngineSettings.SetSocketPath(Text(pointer), "SOCKET_PATH");
                    return 1;
                case DeadlineMs:
                    EngineSettings.SetDeadline(Text(pointer), "DEADLINE_MS");
                    return 1;
                default:
                    EngineErrors.Raise(EngineError.InvalidSetting, $"unknown control command {command}");
                    return 0;
            }
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return 0;
        }
    }

    private static string Text(IntPtr pointer) => pointer == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(pointer) ?? "";

    private static void Define(byte* entry, int number, string name, string description, uint flags)
    {
        *(uint*)entry = (uint)number;
        *(IntPtr*)(entry + 8) = Marshal.StringToCoTaskMemUTF8(name);
        *(IntPtr*)(entry + 16) = Marshal.StringToCoTaskMemUTF8(description);
        *(uint*)(entry + 24) = flags;
    }
}
