using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// Checks that .NET's own OpenSSL is the 3.x <c>libcrypto.so.3</c> that <see cref="LibCrypto"/>
/// calls: key handles taken from .NET objects are passed to it, so a different library (for
/// example 1.1 chosen with <c>CLR_OPENSSL_VERSION_OVERRIDE</c>) would corrupt memory.
/// </summary>
internal static class OpenSslRuntime
{
    /// <summary>A description of the problem, or null when the libraries match.</summary>
    public static string? Incompatibility()
    {
        var version = SafeEvpPKeyHandle.OpenSslVersion;
        var major = version >> 28;
        return major == 3
            ? null
            : $"OpenSSL: .NET loaded OpenSSL {major}.{(version >> 20) & 0xFF} (0x{version:X}); the keyserver requires OpenSSL 3 (libcrypto.so.3)";
    }
}
