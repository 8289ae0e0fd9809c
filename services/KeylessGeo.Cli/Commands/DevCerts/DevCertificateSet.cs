using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.Commands.DevCerts;

/// <summary>
/// The mutual-TLS material of a development or test deployment (docker-compose.yml, a test
/// cluster): one throwaway CA and, issued by it, the control plane's server certificate, an
/// operator's client certificate, one member certificate per datacenter's keyservers (server and
/// client usages: gRPC, Keyless, silo-to-silo and forwarding) and the edge agents' client
/// certificate. Certificates are written 0644, private keys PKCS#8 with mode 0600. In <c>web/</c>:
/// the edge hosts' TLS server certificates (<see cref="WebServerNames"/>, an RSA-2048 and an ECDSA
/// P-256 key) with their private keys, which go to the keyservers through the control plane
/// (<c>keylessgeo key import</c>) and never to an edge host, which mounts only the certificates.
/// </summary>
public static class DevCertificateSet
{
    /// <summary>The CA certificate every process trusts.</summary>
    public const string CaCertificate = "ca.crt";

    /// <summary>The control plane's host name in the certificates (the compose service's name).</summary>
    public const string ControlPlaneHost = "controlplane";

    /// <summary>The operator's certificate subject, which the sample access grants name.</summary>
    public const string OperatorSubject = "CN=operator";

    /// <summary>The edge agents' certificate subject.</summary>
    public const string EdgeAgentSubject = "CN=edge-agent";

    /// <summary>The folder, inside the set, of the edge hosts' server certificates and their keys.</summary>
    public const string WebFolder = "web";

    /// <summary>The server names the edge hosts serve, each with a key of its own: RSA-2048, then ECDSA P-256.</summary>
    public static IReadOnlyList<string> WebServerNames { get; } = ["rsa.demo.test", "ecdsa.demo.test"];

    /// <summary>The datacenters used when none is named (the demo's and docker-compose.yml's).</summary>
    public static IReadOnlyList<string> DefaultDatacenters { get; } = ["fra1", "ams1", "sfo1", "iad1"];

    /// <summary>The host name of a datacenter's keyservers in the certificates (the compose service's name).</summary>
    public static string KeyserverHost(string datacenter) => "keyserver-" + datacenter;

    /// <summary>Every file <see cref="Write"/> creates for <paramref name="datacenters"/>, by name.</summary>
    public static IReadOnlyList<string> FileNames(IEnumerable<string> datacenters)
    {
        ArgumentNullException.ThrowIfNull(datacenters);
        var names = new List<string> { CaCertificate };
        foreach (var stem in Stems(datacenters))
        {
            names.Add(stem + ".crt");
            names.Add(stem + ".key");
        }

        foreach (var name in WebServerNames)
        {
            names.Add(Path.Combine(WebFolder, name + ".crt"));
            names.Add(Path.Combine(WebFolder, name + ".key"));
        }

        return names;
    }

    /// <summary>Writes the set into <paramref name="directory"/> (created when missing).</summary>
    public static void Write(string directory, IReadOnlyList<string> datacenters)
    {
        ArgumentNullException.ThrowIfNull(datacenters);
        Directory.CreateDirectory(directory);
        using var ca = DevelopmentCertificateAuthority.Create("KeylessGeo development CA");
        DevelopmentCertificateAuthority.WritePem(ca.Certificate, Path.Combine(directory, CaCertificate));
        using (var controlPlane = ca.IssueServerCertificate(ControlPlaneHost, [ControlPlaneHost, "localhost"]))
        {
            Save(controlPlane, directory, "controlplane");
        }

        using (var operatorCertificate = ca.IssueClientCertificate(OperatorSubject[3..]))
        {
            Save(operatorCertificate, directory, "operator");
        }

        using (var agent = ca.IssueClientCertificate(EdgeAgentSubject[3..]))
        {
            Save(agent, directory, "edge-agent");
        }

        foreach (var datacenter in datacenters)
        {
            var host = KeyserverHost(datacenter);
            using var member = ca.IssuePeerCertificate(host, [IPAddress.Loopback], [host, "localhost"]);
            Save(member, directory, host);
        }

        var web = Directory.CreateDirectory(Path.Combine(directory, WebFolder)).FullName;
        using (var rsa = RSA.Create(2048))
        {
            using var certificate = IssueWeb(ca, WebServerNames[0], new CertificateRequest($"CN={WebServerNames[0]}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment);
            using var withKey = certificate.CopyWithPrivateKey(rsa);
            Save(withKey, web, WebServerNames[0]);
        }

        using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            using var certificate = IssueWeb(ca, WebServerNames[1], new CertificateRequest($"CN={WebServerNames[1]}", ecdsa, HashAlgorithmName.SHA256), X509KeyUsageFlags.DigitalSignature);
            using var withKey = certificate.CopyWithPrivateKey(ecdsa);
            Save(withKey, web, WebServerNames[1]);
        }
    }

    /// <summary>A TLS server certificate for <paramref name="name"/> issued by <paramref name="ca"/>.</summary>
    private static X509Certificate2 IssueWeb(DevelopmentCertificateAuthority ca, string name, CertificateRequest request, X509KeyUsageFlags usage)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca.Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        // The CA's key is ECDSA whatever the certificate's key is (an RSA one here too).
        using var caKey = ca.Certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the development CA has no ECDSA private key");
        return request.Create(ca.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), start, start.AddYears(1), serial);
    }

    private static IEnumerable<string> Stems(IEnumerable<string> datacenters) =>
        new[] { "controlplane", "operator", "edge-agent" }.Concat(datacenters.Select(KeyserverHost));

    private static void Save(X509Certificate2 certificate, string directory, string stem) =>
        DevelopmentCertificateAuthority.WritePem(certificate, Path.Combine(directory, stem + ".crt"), Path.Combine(directory, stem + ".key"));
}
