using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.Transport.Tls;

/// <summary>
/// A throwaway certificate authority for the demo cluster and tests: issues ECDSA P-256
/// server and client certificates for mutual TLS. Not for production use; production
/// deployments bring certificates issued by their own CA.
/// </summary>
public sealed class DevelopmentCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private DevelopmentCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a self-signed CA valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public static DevelopmentCertificateAuthority Create(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var start = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var end = notAfter ?? start.AddYears(5);
        return new DevelopmentCertificateAuthority(request.CreateSelfSigned(start, end));
    }

    /// <summary>Issues a server certificate for the given DNS names and IP addresses.</summary>
    public X509Certificate2 IssueServerCertificate(
        string commonName,
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? ipAddresses = null,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
        => Issue(commonName, ServerAuth, dnsNames ?? ["localhost"], ipAddresses ?? [IPAddress.Loopback, IPAddress.IPv6Loopback], notBefore, notAfter);

    /// <summary>Issues a client certificate whose subject names the peer identity.</summary>
    public X509Certificate2 IssueClientCertificate(string commonName, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
        => Issue(commonName, ClientAuth, [], [], notBefore, notAfter);

    /// <summary>
    /// Issues a certificate for a cluster member, which is both server and client of its peers
    /// (silo-to-silo mutual TLS): both usages, the given IP addresses (loopback by default) and
    /// DNS names (<c>localhost</c> by default).
    /// </summary>
    public X509Certificate2 IssuePeerCertificate(string commonName, IEnumerable<IPAddress>? ipAddresses = null, IEnumerable<string>? dnsNames = null)
        => Issue(commonName, [ServerAuth, ClientAuth], dnsNames ?? ["localhost"], ipAddresses ?? [IPAddress.Loopback, IPAddress.IPv6Loopback], null, null);

    private X509Certificate2 Issue(
        string commonName,
        Oid usage,
        IEnumerable<string> dnsNames,
        IEnumerable<IPAddress> ipAddresses,
        DateTimeOffset? notBefore,
        DateTimeOffset? notAfter)
        => Issue(commonName, [usage], dnsNames, ipAddresses, notBefore, notAfter);

    private X509Certificate2 Issue(
        string commonName,
        Oid[] usages,
        IEnumerable<string> dnsNames,
        IEnumerable<IPAddress> ipAddresses,
        DateTimeOffset? notBefore,
        DateTimeOffset? notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
            any = true;
        }

        foreach (var ip in ipAddresses)
        {
            names.AddIpAddress(ip);
            any = true;
        }

        if (any)
        {
            request.CertificateExtensions.Add(names.Build());
        }

        var start = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var end = notAfter ?? start.AddYears(1);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate, start, end, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Writes a certificate as PEM, and its private key as PKCS#8 PEM with owner-only
    /// permissions when <paramref name="keyPath"/> is given.
    /// </summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string? keyPath = null)
    {
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        if (keyPath is null)
        {
            return;
        }

        using var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException($"Certificate '{certificate.Subject}' has no private key.");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var stream = new FileStream(keyPath, options);
        using var writer = new StreamWriter(stream);
        writer.Write(key.ExportPkcs8PrivateKeyPem());
    }

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();
}
