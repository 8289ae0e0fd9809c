using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KeylessGeo.StackFloor;

/// <summary>
/// Mutual TLS 1.3 as the C floor sets it up: the server certificate, a client certificate required
/// and validated against the CA only (the project's <see cref="CertificateValidation"/>), TLS 1.3 only.
/// </summary>
internal sealed class FloorTls
{
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection _ca;
    private readonly SslStreamCertificateContext _context;

    public FloorTls(string certificatePath, string keyPath, string caPath)
    {
        _certificate = MutualTls.LoadPem(certificatePath, keyPath);
        _ca = MutualTls.LoadPemBundle(caPath);
        _context = SslStreamCertificateContext.Create(_certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>For a raw <see cref="SslStream"/>.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = _context,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = CertificateValidation.CreateHandshakePolicy(),
        RemoteCertificateValidationCallback = (_, certificate, chain, _) => Validate(certificate, chain),
    };

    /// <summary>
    /// For Kestrel's <c>UseHttps</c>: the keyserver's mutual TLS set-up, limited to TLS 1.3; without
    /// ALPN when <paramref name="alpn"/> is false (the Keyless port, as the keyserver's).
    /// </summary>
    public void Configure(HttpsConnectionAdapterOptions https, bool alpn)
    {
        https.UseMutualTls(new MutualTlsOptions { ServerCertificate = _certificate, TrustedClientCa = _ca });
        https.SslProtocols = SslProtocols.Tls13;
        if (!alpn)
        {
            var mutualTls = https.OnAuthenticate;
            https.OnAuthenticate = (context, ssl) =>
            {
                mutualTls?.Invoke(context, ssl);
                ssl.ApplicationProtocols = null;
            };
        }
    }

    private bool Validate(X509Certificate? certificate, X509Chain? chain) =>
        certificate is X509Certificate2 client &&
        CertificateValidation.TryValidate(client, chain, _ca, CertificateValidation.ClientAuthentication, out _);
}
