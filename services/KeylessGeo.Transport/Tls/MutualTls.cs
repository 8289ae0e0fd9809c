using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KeylessGeo.Transport.Tls;

/// <summary>Mutual TLS helpers: Kestrel configuration and PEM loading.</summary>
public static class MutualTls
{
    /// <summary>
    /// Configures a Kestrel HTTPS endpoint to present <see cref="MutualTlsOptions.ServerCertificate"/>
    /// and to require a client certificate that chains to <see cref="MutualTlsOptions.TrustedClientCa"/>.
    /// </summary>
    public static HttpsConnectionAdapterOptions UseMutualTls(this HttpsConnectionAdapterOptions https, MutualTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.ServerCertificate.HasPrivateKey)
        {
            throw new ArgumentException($"The server certificate '{options.ServerCertificate.Subject}' has no private key.", nameof(options));
        }

        var trusted = options.TrustedClientCa;
        https.ServerCertificate = options.ServerCertificate;
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.CheckCertificateRevocation = false;
        https.OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy();
        https.ClientCertificateValidation = (certificate, chain, policyErrors) =>
            CertificateValidation.TryValidate(certificate, chain, trusted, CertificateValidation.ClientAuthentication, out _);
        return https;
    }

    /// <summary>Loads a certificate and its private key from PEM files (the key as PKCS#8, SEC1 or PKCS#1).</summary>
    public static X509Certificate2 LoadPem(string certificatePath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or ArgumentException)
        {
            throw new InvalidOperationException($"Cannot load certificate '{certificatePath}' with key '{keyPath}': {ex.Message}", ex);
        }
    }

    /// <summary>Loads every certificate of a PEM bundle (for CA files).</summary>
    public static X509Certificate2Collection LoadPemBundle(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new InvalidOperationException($"No certificate found in '{path}'.");
        }

        return collection;
    }
}
