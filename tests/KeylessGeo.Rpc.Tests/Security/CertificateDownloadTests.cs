using System.Formats.Asn1;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Transport.Tls;
using KeylessGeo.Rpc.Status;
using KeylessGeo.Rpc.Tests.Infrastructure;
using KeylessGeo.Rpc.Tests.Server;
using KeylessGeo.Testing;

namespace KeylessGeo.Rpc.Tests.Security;

public sealed class CertificateDownloadTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();

    [Fact]
    public async Task ClientCertificate_WithAiaToAMissingIntermediate_IsRejectedWithoutFetchingIt()
    {
        using var timeout = TestTimeout.Create();
        using var aia = new TcpListener(IPAddress.Loopback, 0);
        aia.Start();
        var requests = 0;
        var listening = CountConnectionsAsync(aia, () => Interlocked.Increment(ref requests), timeout.Token);
        var aiaUri = $"http://127.0.0.1:{((IPEndPoint)aia.LocalEndpoint).Port}/intermediate.cer";
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediate = IssueIntermediate(_tls.Ca.Certificate, intermediateKey);
        using var leaf = IssueClientWithAia(intermediate, aiaUri);
        await using var server = await RpcTestServer.StartAsync(_tls, new FakeKeyServer().Map);
        using var channel = server.CreateChannel(leaf);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, UnaryCallTests.Request(1, "key", [1]), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(0, Volatile.Read(ref requests));
        aia.Stop();
        await listening;
    }

    public void Dispose() => _tls.Dispose();

    private static X509Certificate2 IssueIntermediate(X509Certificate2 root, ECDsa key)
    {
        var request = new CertificateRequest("CN=KeylessGeo Test Intermediate", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var issued = request.Create(root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 IssueClientWithAia(X509Certificate2 issuer, string caIssuersUri)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=edge-aia", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([CertificateValidation.ClientAuthentication], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.5.5.7.1.1", AuthorityInformationAccess(caIssuersUri), false));
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    // AuthorityInfoAccessSyntax ::= SEQUENCE OF AccessDescription { accessMethod id-ad-caIssuers, accessLocation [6] URI }
    private static byte[] AuthorityInformationAccess(string caIssuersUri)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.6.1.5.5.7.48.2");
                writer.WriteCharacterString(UniversalTagNumber.IA5String, caIssuersUri, new Asn1Tag(TagClass.ContextSpecific, 6));
            }
        }

        return writer.Encode();
    }

    private static async Task CountConnectionsAsync(TcpListener listener, Action onRequest, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync(cancellationToken);
                onRequest();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The listener was stopped.
        }
    }
}
