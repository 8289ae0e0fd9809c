using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.EdgeHost.Configuration;
using KeylessGeo.EdgeHost.OpenSsl;

namespace KeylessGeo.EdgeHost.Certificates;

/// <summary>
/// Loads the configured certificates: each one's chain from its PEM file, and its private key
/// either from the OpenSSL module (a handle whose private operations go to the edge agent; the key
/// itself is never in this process) or, for a certificate that is not keyless, from local disk.
/// </summary>
internal static class ServedCertificateLoader
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    /// <summary>
    /// TLS 1.3's suites and TLS 1.2's ECDHE ones: forward secrecy only. TLS 1.2 RSA key exchange is
    /// left out because OpenSSL 3.0 cannot decrypt its premaster with an engine key (docs/EDGE-TLS.md);
    /// a client offering nothing else gets a handshake_failure alert at once.
    /// </summary>
    private static readonly CipherSuitesPolicy Suites = new(
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);

    /// <summary>Loads every certificate; each problem is added to <paramref name="failures"/> naming the setting.</summary>
    public static List<(CertificateOptions Options, ServedCertificate Served)> LoadAll(
        IReadOnlyList<CertificateOptions> certificates, EngineModule? engine, HttpsOptions https, List<string> failures)
    {
        var protocols = https.MinimumTlsVersion == "1.3" ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
        var loaded = new List<(CertificateOptions, ServedCertificate)>();
        for (var i = 0; i < certificates.Count; i++)
        {
            var at = $"{CertificateOptions.SectionName}:{i}";
            try
            {
                loaded.Add((certificates[i], Load(certificates[i], engine, protocols, at)));
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                failures.Add($"{at}: {e.Message}");
            }
        }

        return loaded;
    }

    private static ServedCertificate Load(CertificateOptions options, EngineModule? engine, SslProtocols protocols, string at)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(options.CertificatePath);
        if (chain.Count == 0)
        {
            throw new InvalidOperationException($"'{options.CertificatePath}' holds no PEM certificate.");
        }

        var leaf = chain[0];
        var keyless = options.LocalKeyPath.Length == 0;
        var withKey = keyless ? WithEngineKey(leaf, options, engine, at) : WithLocalKey(options, at);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        var serverOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(withKey, intermediates, offline: true),
            EnabledSslProtocols = protocols,
            ApplicationProtocols = Alpn,
            CipherSuitesPolicy = Suites,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        return new ServedCertificate(leaf.Subject, keyless, serverOptions);
    }

    private static X509Certificate2 WithEngineKey(X509Certificate2 leaf, CertificateOptions options, EngineModule? engine, string at)
    {
        if (engine is null)
        {
            throw new InvalidOperationException("the OpenSSL module is not loaded (see the Engine errors).");
        }

        var keyId = options.KeyId.Length > 0 ? options.KeyId : Path.GetFullPath(options.CertificatePath);
        SafeEvpPKeyHandle handle;
        try
        {
            handle = SafeEvpPKeyHandle.OpenPrivateKeyFromEngine(engine.Id, keyId);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"the OpenSSL module '{engine.Id}' cannot open key '{keyId}': {e.Message} {LibCrypto.DrainErrors()}".TrimEnd(), e);
        }

        using (handle)
        {
            switch (leaf.GetKeyAlgorithm())
            {
                case RsaOid:
                    using (var rsa = new RSAOpenSsl(handle))
                    {
                        return leaf.CopyWithPrivateKey(rsa);
                    }

                case EcOid:
                    using (var ecdsa = new ECDsaOpenSsl(handle))
                    {
                        return leaf.CopyWithPrivateKey(ecdsa);
                    }

                default:
                    throw new InvalidOperationException($"{at}: the certificate's key type ({leaf.GetKeyAlgorithm()}) is not served; RSA and ECDSA are.");
            }
        }
    }

    private static X509Certificate2 WithLocalKey(CertificateOptions options, string at)
    {
        var mode = File.GetUnixFileMode(options.LocalKeyPath);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException($"{at}:LocalKeyPath '{options.LocalKeyPath}' may be read by others than its owner (chmod 600).");
        }

        return X509Certificate2.CreateFromPemFile(options.CertificatePath, options.LocalKeyPath);
    }

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
}
