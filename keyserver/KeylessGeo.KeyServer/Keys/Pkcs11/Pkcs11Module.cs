using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// One loaded PKCS#11 module (shared library), shared by everything in the process that uses it:
/// a module is initialised (<c>C_Initialize</c>) once per process, so two users loading it
/// separately would see the second initialisation fail and the first user's finalisation pull
/// the module from under the second. The last user to dispose finalises it.
/// </summary>
internal sealed class Pkcs11Module : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Pkcs11Module> Loaded = new(StringComparer.Ordinal);
    private int _users;
    private bool _closed;

    private Pkcs11Module(string path, IPkcs11Library library)
    {
        Path = path;
        Library = library;
    }

    /// <summary>The factories every Pkcs11Interop object is created through.</summary>
    public static Pkcs11InteropFactories Factories { get; } = new();

    /// <summary>The module's absolute path.</summary>
    public string Path { get; }

    /// <summary>The initialised library (thread-safe: loaded for a multi-threaded application).</summary>
    public IPkcs11Library Library { get; }

    /// <summary>True once the last user disposed the module; its sessions and handles are gone.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Loads and initialises <paramref name="path"/>, or takes another reference to it when loaded already.</summary>
    public static Pkcs11Module Acquire(string path)
    {
        Pkcs11NativeLoader.EnsureRegistered();
        lock (Gate)
        {
            if (!Loaded.TryGetValue(path, out var module))
            {
                module = new Pkcs11Module(path, Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded));
                Loaded.Add(path, module);
            }

            module._users++;
            return module;
        }
    }

    /// <summary>Drops this reference; the last one finalises and unloads the module.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_closed || --_users > 0)
            {
                return;
            }

            _closed = true;
            Loaded.Remove(Path);
            Library.Dispose();
        }
    }
}
