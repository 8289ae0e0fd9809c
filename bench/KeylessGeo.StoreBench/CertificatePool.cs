using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.StoreBench;

/// <summary>
/// Real X.509 certificates for the feed benchmark's keys (<c>--certificates</c>): a pool issued
/// by one RSA-2048 benchmark CA, each for its own P-256 key, with two DNS names and one IPv4 and
/// one IPv6 address in its subjectAltName, as a server certificate carries them. Keys take them
/// round-robin: the PEM size and what parsing one costs are a real certificate's, though a
/// certificate's public key is not its record's (nothing here checks that at indexing).
/// </summary>
internal sealed class CertificatePool
{
    /// <summary>Distinct certificates: enough that no cache of one parse serves the next key.</summary>
    public const int Size = 1_024;

    private readonly string[] _pems;
    private readonly ImmutableArray<byte[]>[] _ipAddresses;

    private CertificatePool(string[] pems, ImmutableArray<byte[]>[] ipAddresses)
    {
        _pems = pems;
        _ipAddresses = ipAddresses;
    }

    /// <summary>The line printed with a run that uses the pool.</summary>
    public string Description =>
        string.Create(CultureInfo.InvariantCulture,
            $"certificates: {Size:N0} real X.509 certificates (RSA-2048 CA, P-256 subject keys, 2 DNS + 2 IP SANs), PEM {_pems.Average(p => p.Length):F0} B on average, shared round-robin");

    /// <summary>Issues the pool (a second or two).</summary>
    public static CertificatePool Create()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=StoreBench CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var notBefore = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var ca = caRequest.CreateSelfSigned(notBefore, notBefore.AddYears(5));

        var issuer = X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1);
        var authorityKeyId = X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false);
        var pems = new string[Size];
        var ipAddresses = new ImmutableArray<byte[]>[Size];
        for (var i = 0; i < Size; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var name = "c" + i.ToString("D4", CultureInfo.InvariantCulture) + ".example.com";
            var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
            var v4 = new IPAddress([192, 0, 2, (byte)(i % 250 + 1)]);
            var v6 = IPAddress.Parse("2001:db8::" + (i + 1).ToString("x", CultureInfo.InvariantCulture));
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(name);
            names.AddDnsName("www." + name);
            names.AddIpAddress(v4);
            names.AddIpAddress(v6);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(authorityKeyId);
            using var certificate = request.Create(ca.SubjectName, issuer, notBefore, notBefore.AddYears(1), BitConverter.GetBytes(i + 1));
            pems[i] = certificate.ExportCertificatePem();
            ipAddresses[i] = [v4.GetAddressBytes(), v6.GetAddressBytes()];
        }

        return new CertificatePool(pems, ipAddresses);
    }

    /// <summary>The certificate PEM for key <paramref name="index"/>.</summary>
    public string PemFor(int index) => _pems[index % Size];

    /// <summary>The IP addresses in <see cref="PemFor"/>'s subjectAltName, as the control plane records them at import.</summary>
    public ImmutableArray<byte[]> IpAddressesFor(int index) => _ipAddresses[index % Size];
}
