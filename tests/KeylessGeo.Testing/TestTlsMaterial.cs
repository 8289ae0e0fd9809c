using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Testing;

/// <summary>
/// Certificates for mutual-TLS tests: a trusted CA with a server and a client certificate,
/// plus an unrelated CA with its own client and server certificates, and an expired client
/// certificate from the trusted CA.
/// </summary>
public sealed class TestTlsMaterial : IDisposable
{
    /// <summary>The subject common name of <see cref="ClientCertificate"/>.</summary>
    public const string ClientIdentity = "edge-test-1";

    private TestTlsMaterial()
    {
        Ca = DevelopmentCertificateAuthority.Create("KeylessGeo Test CA", DateTimeOffset.UtcNow.AddDays(-30));
        OtherCa = DevelopmentCertificateAuthority.Create("Unrelated Test CA");
        ServerCertificate = Ca.IssueServerCertificate("keyserver-test");
        ClientCertificate = Ca.IssueClientCertificate(ClientIdentity);
        ExpiredClientCertificate = Ca.IssueClientCertificate(
            "edge-expired", DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        OtherCaClientCertificate = OtherCa.IssueClientCertificate("edge-other-ca");
        OtherCaServerCertificate = OtherCa.IssueServerCertificate("keyserver-other-ca");
        PeerCertificate = Ca.IssuePeerCertificate("keyserver-peer-test");
    }

    /// <summary>The CA both sides trust.</summary>
    public DevelopmentCertificateAuthority Ca { get; }

    /// <summary>A CA nobody trusts.</summary>
    public DevelopmentCertificateAuthority OtherCa { get; }

    /// <summary>Server certificate for localhost, 127.0.0.1 and ::1, issued by <see cref="Ca"/>.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Client certificate <see cref="ClientIdentity"/> issued by <see cref="Ca"/>.</summary>
    public X509Certificate2 ClientCertificate { get; }

    /// <summary>A client certificate from <see cref="Ca"/> whose validity ended yesterday.</summary>
    public X509Certificate2 ExpiredClientCertificate { get; }

    /// <summary>A client certificate from <see cref="OtherCa"/>.</summary>
    public X509Certificate2 OtherCaClientCertificate { get; }

    /// <summary>A server certificate from <see cref="OtherCa"/>.</summary>
    public X509Certificate2 OtherCaServerCertificate { get; }

    /// <summary>The trusted CA as a collection, for channel and server options.</summary>
    /// <summary>A cluster member's certificate (server and client usages), for silo-to-silo TLS and keyserver-to-keyserver calls.</summary>
    public X509Certificate2 PeerCertificate { get; }

    public X509Certificate2Collection TrustedCa => [Ca.Certificate];

    /// <summary>Creates fresh material (a few milliseconds of ECDSA key generation).</summary>
    public static TestTlsMaterial Create() => new();

    /// <summary>Server-side mutual TLS options using <see cref="ServerCertificate"/> and <see cref="Ca"/>.</summary>
    public MutualTlsOptions ServerOptions(X509Certificate2? serverCertificate = null)
        => new() { ServerCertificate = serverCertificate ?? ServerCertificate, TrustedClientCa = TrustedCa };

    /// <summary>Writes every certificate as PEM (keys as PKCS#8) into <paramref name="directory"/>.</summary>
    public TestPemFiles WritePem(string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new TestPemFiles(directory);
        DevelopmentCertificateAuthority.WritePem(Ca.Certificate, files.CaCertificate);
        DevelopmentCertificateAuthority.WritePem(ServerCertificate, files.ServerCertificate, files.ServerKey);
        DevelopmentCertificateAuthority.WritePem(ClientCertificate, files.ClientCertificate, files.ClientKey);
        DevelopmentCertificateAuthority.WritePem(OtherCaClientCertificate, files.OtherClientCertificate, files.OtherClientKey);
        DevelopmentCertificateAuthority.WritePem(ExpiredClientCertificate, files.ExpiredClientCertificate, files.ExpiredClientKey);
        DevelopmentCertificateAuthority.WritePem(PeerCertificate, files.PeerCertificate, files.PeerKey);
        return files;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ServerCertificate.Dispose();
        ClientCertificate.Dispose();
        ExpiredClientCertificate.Dispose();
        OtherCaClientCertificate.Dispose();
        OtherCaServerCertificate.Dispose();
        PeerCertificate.Dispose();
        Ca.Dispose();
        OtherCa.Dispose();
    }
}
