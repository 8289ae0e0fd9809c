using System.Runtime.InteropServices;

namespace KeylessGeo.EdgeHost.OpenSsl;

/// <summary>
/// The few OpenSSL 3 calls .NET does not offer: loading an engine from a path and sending it control
/// commands (.NET opens keys from an engine, <see cref="System.Security.Cryptography.SafeEvpPKeyHandle.OpenPrivateKeyFromEngine"/>,
/// but only from one OpenSSL already knows). The same libcrypto .NET itself uses.
/// </summary>
internal static partial class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    [LibraryImport(Library, EntryPoint = "ENGINE_by_id", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint EngineById(string id);

    [LibraryImport(Library, EntryPoint = "ENGINE_ctrl_cmd_string", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int EngineControlCommand(nint engine, string command, string? argument, int optional);

    [LibraryImport(Library, EntryPoint = "ENGINE_init")]
    public static partial int EngineInit(nint engine);

    [LibraryImport(Library, EntryPoint = "ENGINE_finish")]
    public static partial int EngineFinish(nint engine);

    [LibraryImport(Library, EntryPoint = "ENGINE_free")]
    public static partial int EngineFree(nint engine);

    [LibraryImport(Library, EntryPoint = "ERR_get_error")]
    public static partial nuint ErrorGet();

    [LibraryImport(Library, EntryPoint = "ERR_error_string_n")]
    public static unsafe partial void ErrorString(nuint error, byte* buffer, nuint length);

    /// <summary>Drains OpenSSL's error queue of this thread into one line (empty when it held nothing).</summary>
    public static unsafe string DrainErrors()
    {
        var messages = new List<string>();
        Span<byte> buffer = stackalloc byte[256];
        for (var error = ErrorGet(); error != 0; error = ErrorGet())
        {
            fixed (byte* p = buffer)
            {
                ErrorString(error, p, (nuint)buffer.Length);
                messages.Add(Marshal.PtrToStringUTF8((nint)p) ?? "");
            }
        }

        return string.Join("; ", messages);
    }
}
