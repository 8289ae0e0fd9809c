using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.Transport.Tls;

/// <summary>
/// The client side's check of a server certificate: the host name must match, and the chain must
/// end at a configured CA (never the system store when one is configured) with the server usage.
/// </summary>
public static class ServerCertificateValidation
{
    /// <summary>
    /// True when <paramref name="certificate"/> is acceptable for <paramref name="host"/>. With
    /// <paramref name="trustedCa"/> null the platform's verdict (<paramref name="errors"/>) decides;
    /// otherwise only the configured CA. <paramref name="error"/> says why not, in words that fit
    /// after "the TLS handshake failed: ".
    /// </summary>
    public static bool IsTrusted(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection? trustedCa, string? host, out string? error)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            error = "the server presented no certificate";
            return false;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            error = $"the server certificate '{certificate.Subject}' is not valid for '{host}': it does not name the host dialled";
            return false;
        }

        if (trustedCa is null)
        {
            error = errors == SslPolicyErrors.None ? null : $"the server certificate '{certificate.Subject}' is not trusted: {errors}";
            return errors == SslPolicyErrors.None;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return CertificateValidation.TryValidate(leaf, chain, trustedCa, CertificateValidation.ServerAuthentication, out error);
    }
}
