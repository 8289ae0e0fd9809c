using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KeylessGeo.Serving.Connections;

/// <summary>Names the client of a connection by its verified TLS client certificate.</summary>
internal static class ClientIdentity
{
    /// <summary>
    /// The certificate's subject distinguished name, so one client keeps its share across
    /// certificate renewals; its SHA-256 thumbprint when the subject is empty; null when the
    /// connection has no client certificate (no TLS, or TLS without client authentication).
    /// </summary>
    /// <remarks>
    /// Only meaningful after the TLS handshake, where the certificate has been validated
    /// against the trusted client CA: the limits middleware must run after <c>UseHttps</c>.
    /// </remarks>
    public static string? Of(ConnectionContext connection) => Of(connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate);

    /// <summary>The identity of a client that presented <paramref name="certificate"/> (verified; null when none).</summary>
    public static string? Of(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return null;
        }

        var subject = certificate.Subject;
        return subject.Length > 0 ? subject : "sha256:" + certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
