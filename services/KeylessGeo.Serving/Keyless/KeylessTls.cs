using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// TLS settings of the Keyless port on top of the shared mutual-TLS setup: AEAD cipher suites
/// with forward secrecy only, and no ALPN (the Keyless protocol is not negotiated).
/// </summary>
internal static class KeylessTls
{
    /// <summary>
    /// TLS 1.3's AEAD suites, then TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305 for ECDSA
    /// and RSA server certificates. On Linux the policy covers both versions, so the TLS 1.3
    /// suites must be listed or TLS 1.3 could not be negotiated.
    /// </summary>
    public static CipherSuitesPolicy CipherSuites { get; } = new(
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);

    /// <summary>
    /// Adds the cipher suites and clears ALPN in <paramref name="https"/>'s per-handshake
    /// callback, keeping what the mutual-TLS setup put there (its chain policy).
    /// </summary>
    public static HttpsConnectionAdapterOptions UseKeylessTls(this HttpsConnectionAdapterOptions https)
    {
        ArgumentNullException.ThrowIfNull(https);
        var mutualTls = https.OnAuthenticate;
        https.OnAuthenticate = (context, ssl) =>
        {
            mutualTls?.Invoke(context, ssl);
            ssl.CipherSuitesPolicy = CipherSuites;
            ssl.ApplicationProtocols = null;
        };
        return https;
    }
}
