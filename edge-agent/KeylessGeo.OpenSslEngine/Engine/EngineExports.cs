using System.Runtime.InteropServices;
using KeylessGeo.OpenSslEngine.Keys;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Engine;

/// <summary>
/// The two symbols OpenSSL's <c>dynamic</c> engine looks up in a loaded library:
/// <c>v_check</c> (the loader's version in, ours out) and <c>bind_engine</c> (fill in the ENGINE).
/// </summary>
public static unsafe class EngineExports
{
    /// <summary>The engine id: <c>ENGINE_by_id("keylessgeo")</c>, <c>engine:keylessgeo:…</c> in nginx.</summary>
    public const string EngineId = "keylessgeo";

    private static byte* _id;
    private static byte* _name;

    /// <summary>Accepts OpenSSL 3 loaders (OSSL_DYNAMIC_VERSION 3.0) and refuses older ones.</summary>
    [UnmanagedCallersOnly(EntryPoint = "v_check")]
    public static nuint VersionCheck(nuint loaderVersion) =>
        loaderVersion >= OpenSslConstants.DynamicOldest ? (nuint)OpenSslConstants.DynamicVersion : 0;

    /// <summary>
    /// Binds the engine to <paramref name="engine"/> when <paramref name="id"/> is null or
    /// <c>keylessgeo</c>. <paramref name="functions"/> is OpenSSL's <c>dynamic_fns</c>; its first
    /// field is the loader's static state, which must be ours: the engine calls the process's one
    /// libcrypto and cannot adopt another copy's memory functions.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "bind_engine")]
    public static int Bind(IntPtr engine, byte* id, IntPtr* functions)
    {
        try
        {
            EngineErrors.Register();
            if (id is not null && Marshal.PtrToStringUTF8((IntPtr)id) != EngineId)
            {
                return 0;
            }

            if (functions is not null && functions[0] != LibCrypto.ENGINE_get_static_state())
            {
                EngineErrors.Raise(EngineError.Internal, "the loader uses another copy of libcrypto than libcrypto.so.3");
                return 0;
            }

            lock (SetupGate.Gate)
            {
                if (_id is null)
                {
                    _name = (byte*)Marshal.StringToCoTaskMemUTF8("KeylessGeo: private keys held by keyservers, through the edge agent");
                    EngineSettings.ReadEnvironment();
                    _id = (byte*)Marshal.StringToCoTaskMemUTF8(EngineId);
                }
            }

            var bound = LibCrypto.ENGINE_set_id(engine, _id) == 1
                && LibCrypto.ENGINE_set_name(engine, _name) == 1
                && LibCrypto.ENGINE_set_flags(engine, OpenSslConstants.EngineFlagsNoRegisterAll) == 1
                && LibCrypto.ENGINE_set_init_function(engine, &Initialize) == 1
                && LibCrypto.ENGINE_set_ctrl_function(engine, &EngineCommands.Control) == 1
                && LibCrypto.ENGINE_set_cmd_defns(engine, EngineCommands.Definitions()) == 1
                && LibCrypto.ENGINE_set_load_privkey_function(engine, &KeyLoader.LoadPrivateKey) == 1
                && LibCrypto.ENGINE_set_load_pubkey_function(engine, &KeyLoader.LoadPublicKey) == 1
                && LibCrypto.ENGINE_set_pkey_meths(engine, &RsaPkeyMethod.Lookup) == 1;
            return bound ? 1 : 0;
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return 0;
        }
    }

    /// <summary>
    /// <c>ENGINE_init</c>: lets the runtime's finalizer thread reach its idle wait before nginx
    /// forks (docs/EDGE-TLS.md, "Fork"). Settings are checked when a key is loaded, where nginx
    /// reports the error (<see cref="EngineSettings"/>).
    /// </summary>
    [UnmanagedCallersOnly]
    private static int Initialize(IntPtr engine)
    {
        try
        {
            GC.WaitForPendingFinalizers();
            return 1;
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return 0;
        }
    }
}
