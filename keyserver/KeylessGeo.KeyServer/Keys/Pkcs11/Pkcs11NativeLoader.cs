using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Lets Pkcs11Interop find the dynamic loader. It imports <c>dlopen</c> from "libdl", a name
/// only development packages install (<c>libdl.so</c>); a plain glibc system has
/// <c>libdl.so.2</c>, and since glibc 2.34 <c>libc.so.6</c> itself exports <c>dlopen</c>.
/// </summary>
internal static class Pkcs11NativeLoader
{
    private static int _registered;

    /// <summary>Installs the resolver once per process (before the first module is loaded).</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) != 0)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The host installed a resolver for the assembly already; it decides.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name is not ("libdl" or "dl"))
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in (ReadOnlySpan<string>)["libdl.so.2", "libc.so.6", "libdl.so"])
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }
}
