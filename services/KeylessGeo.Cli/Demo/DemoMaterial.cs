using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Generates everything the demo needs in one folder: <c>tls/</c> (a throwaway CA, the
/// keyserver's certificate, an edge client certificate) and <c>keys/</c> (demo keys with
/// certificates beside them, owner-only permissions). The RSA and ECDSA keys' certificates are
/// issued by the same CA for a server name each (<see cref="ServerNameOf"/>): the edge hosts
/// serve them, and a TLS client trusting the demo CA validates them.
/// </summary>
public sealed class DemoMaterial
{
    private DemoMaterial(string root) => Root = root;

    /// <summary>The folder holding <c>tls/</c> and <c>keys/</c>.</summary>
    public string Root { get; }

    /// <summary>The folder of TLS material.</summary>
    public string TlsDirectory => Path.Combine(Root, "tls");

    /// <summary>The keyserver's key directory.</summary>
    public string KeysDirectory => Path.Combine(Root, "keys");

    /// <summary>The demo key ids, in the order they are created.</summary>
    public static IReadOnlyList<string> KeyIds { get; } = ["demo-rsa2048", "demo-ecdsa-p256", "demo-ed25519"];

    /// <summary>The demo keys with a certificate (for a server name of their own), which the edge hosts serve over TLS.</summary>
    public static IReadOnlyList<string> CertifiedKeyIds { get; } = ["demo-rsa2048", "demo-ecdsa-p256"];

    /// <summary>The files a complete set of material has, relative to its root.</summary>
    private static IEnumerable<string> ExpectedFiles =>
        new[] { "ca.crt", "server.crt", "server.key", "client.crt", "client.key", "member.crt", "member.key" }.Select(name => Path.Combine("tls", name))
            .Concat(KeyIds.Select(id => Path.Combine("keys", id + ".key")))
            .Concat(CertifiedKeyIds.Select(id => Path.Combine("keys", id + ".crt")));

    /// <summary>
    /// The server name (SNI) a certified demo key's certificate is issued for: <c>rsa.demo.test</c>,
    /// <c>ecdsa.demo.test</c> (<c>.test</c> is reserved for testing, RFC 2606).
    /// </summary>
    public static string ServerNameOf(string keyId) => keyId switch
    {
        "demo-rsa2048" => "rsa.demo.test",
        "demo-ecdsa-p256" => "ecdsa.demo.test",
        _ => throw new ArgumentOutOfRangeException(nameof(keyId), keyId, "only the RSA and ECDSA demo keys have a certificate"),
    };

    /// <summary>The certificate (PEM) of a certified demo key.</summary>
    public string CertificateOf(string keyId) => Path.Combine(KeysDirectory, keyId + ".crt");

    /// <summary>
    /// The material already in <paramref name="root"/> when it is complete (a data directory kept
    /// with <c>--keep</c> by an earlier run), else new material written there.
    /// </summary>
    public static DemoMaterial OpenOrCreate(string root, out bool reused)
    {
        reused = ExpectedFiles.All(file => File.Exists(Path.Combine(root, file)));
        return reused ? new DemoMaterial(root) : Create(root);
    }

    /// <summary>Creates the material in <paramref name="root"/> (created when missing).</summary>
    public static DemoMaterial Create(string root)
    {
        var material = new DemoMaterial(root);
        Directory.CreateDirectory(material.TlsDirectory);
        Directory.CreateDirectory(material.KeysDirectory);
        using var ca = DevelopmentCertificateAuthority.Create("KeylessGeo demo CA");
        DevelopmentCertificateAuthority.WritePem(ca.Certificate, material.Tls("ca.crt"));
        using (var server = ca.IssueServerCertificate("keyserver.demo"))
        {
            DevelopmentCertificateAuthority.WritePem(server, material.Tls("server.crt"), material.Tls("server.key"));
        }

        using (var client = ca.IssueClientCertificate("edge-agent.demo"))
        {
            DevelopmentCertificateAuthority.WritePem(client, material.Tls("client.crt"), material.Tls("client.key"));
        }

        // Cluster members present one certificate as server and as client (silo-to-silo TLS, and
        // requests forwarded to another region's keyservers).
        using (var peer = ca.IssuePeerCertificate("keyserver-member.demo"))
        {
            DevelopmentCertificateAuthority.WritePem(peer, material.Tls("member.crt"), material.Tls("member.key"));
        }

        using (var rsa = RSA.Create(2048))
        {
            material.WriteKeyWithCertificate("demo-rsa2048", rsa.ExportRSAPrivateKeyPem(), ca, new CertificateRequest($"CN={ServerNameOf("demo-rsa2048")}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }

        using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            material.WriteKeyWithCertificate("demo-ecdsa-p256", ecdsa.ExportECPrivateKeyPem(), ca, new CertificateRequest($"CN={ServerNameOf("demo-ecdsa-p256")}", ecdsa, HashAlgorithmName.SHA256));
        }

        // .NET has no Ed25519 API: write the PKCS#8 form by hand. The keyserver derives the
        // public key from it at start-up.
        WriteSecret(Path.Combine(material.KeysDirectory, "demo-ed25519.key"), Ed25519Pkcs8Pem(RandomNumberGenerator.GetBytes(32)));
        return material;
    }

    /// <summary>Path of a file in the TLS folder.</summary>
    public string Tls(string name) => Path.Combine(TlsDirectory, name);

    private void WriteKeyWithCertificate(string id, string privateKeyPem, DevelopmentCertificateAuthority ca, CertificateRequest request)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerNameOf(id));
        request.CertificateExtensions.Add(names.Build());
        // A TLS server certificate: clients (the edge hosts' handshakes) check these.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            request.PublicKey.Oid.Value == "1.2.840.113549.1.1.1" ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(ca.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(ca.Certificate.GetECDsaPrivateKey()!), now.AddMinutes(-5), now.AddYears(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(KeysDirectory, id + ".crt"), certificate.ExportCertificatePem());
        WriteSecret(Path.Combine(KeysDirectory, id + ".key"), privateKeyPem);
    }

    private static void WriteSecret(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }

    private static string Ed25519Pkcs8Pem(byte[] seed)
    {
        var inner = new AsnWriter(AsnEncodingRules.DER);
        inner.WriteOctetString(seed);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.101.112");
            }

            writer.WriteOctetString(inner.Encode());
        }

        var der = writer.Encode();
        try
        {
            return PemEncoding.WriteString("PRIVATE KEY", der);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
