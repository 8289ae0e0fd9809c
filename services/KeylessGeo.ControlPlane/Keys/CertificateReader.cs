using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Keyless.Identifiers;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>Reads the certificate given with a key and checks it is the key's.</summary>
internal static class CertificateReader
{
    /// <summary>The request field errors are reported under.</summary>
    public const string Field = "certificate";

    /// <summary>
    /// The first certificate of <paramref name="pem"/>, which must carry <paramref name="key"/>'s
    /// public key (422 otherwise), its leaf PEM, its host names (SAN DNS names, or the CN when
    /// there are none) and its SAN IP addresses, read as the keyserver indexes them
    /// (<see cref="CertificateSubjectNames"/>).
    /// </summary>
    public static (string Pem, ImmutableArray<string> HostNames, ImmutableArray<byte[]> IpAddresses, string? Warning) Read(string pem, KeyIdentity key, DateTimeOffset now)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            throw ControlPlaneException.Invalid(ErrorCodes.MalformedCertificate, Field, "no readable '-----BEGIN CERTIFICATE-----' block (PEM, X.509)");
        }

        using (certificate)
        {
            var certified = KeyIdentifiers.FromCertificate(certificate);
            if (certified.AlgorithmOid != key.AlgorithmOid || certified.CurveOid != key.CurveOid || !certified.SubjectPublicKey.Span.SequenceEqual(key.SubjectPublicKey.Span))
            {
                throw ControlPlaneException.Invalid(ErrorCodes.CertificateMismatch, Field,
                    $"the certificate ('{certificate.Subject}', {certified.Description}, SKI {Convert.ToHexStringLower(certified.Ski)}) is not for this private key ({key.Description}, SKI {Convert.ToHexStringLower(key.Ski)})");
            }

            var warning = certificate.NotAfter.ToUniversalTime() < now.UtcDateTime
                ? $"the certificate '{certificate.Subject}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z"
                : null;
            var (names, ips) = CertificateSubjectNames.Read(certificate);
            return (certificate.ExportCertificatePem(), [.. HostNameRules.Valid(names)], ips, warning);
        }
    }

    /// <summary>The public facts of a stored certificate.</summary>
    public static CertificateView View(string pem)
    {
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return new CertificateView
        {
            Subject = certificate.Subject,
            Issuer = certificate.Issuer,
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
            Sha256 = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256)),
            Pem = pem,
        };
    }
}
