using System.Formats.Asn1;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Reflection.V1;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Transport.Channels;
using KeylessGeo.Transport.Tls;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>
/// How the keyserver's gRPC endpoint is hosted: a Unix domain socket, reflection off unless
/// configured, and client certificates that point at a missing issuer.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GrpcHostingEndToEndTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task Sign_OverAUnixDomainSocket_Works()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var directory = Directory.CreateTempSubdirectory("keylessgeo-uds-").FullName;
        var socket = Path.Combine(directory, "keyserver.sock");
        try
        {
            await using var host = await KeyServerTestHost.StartAsync(
                fixture.Keys.Path, fixture.Tls, new Dictionary<string, string?> { ["Listen:UnixSocketPath"] = socket }, timeout.Token);
            using var channel = GrpcChannelFactory.Create(new ChannelSettings { Address = "unix:" + socket });

            var response = await new KeyServerClient(channel).SignAsync(Request(), cancellationToken: timeout.Token);

            Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
            Assert.Empty(host.ErrorLogs);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Reflection_IsOffByDefault()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await ListServicesAsync(fixture.Host, timeout.Token));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Reflection_WhenEnabled_ListsTheKeyServerAndHealthServices()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await KeyServerTestHost.StartAsync(
            fixture.Keys.Path, fixture.Tls, new Dictionary<string, string?> { ["Grpc:EnableReflection"] = "true" }, timeout.Token);

        var services = await ListServicesAsync(host, timeout.Token);

        Assert.Contains("keylessgeo.v1.KeyServer", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task ClientCertificate_WithAiaToAMissingIntermediate_IsRejectedWithoutFetchingIt()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var aia = new TcpListener(IPAddress.Loopback, 0);
        aia.Start();
        var connections = 0;
        var listening = CountConnectionsAsync(aia, () => Interlocked.Increment(ref connections), timeout.Token);
        var aiaUri = $"http://127.0.0.1:{((IPEndPoint)aia.LocalEndpoint).Port}/intermediate.cer";
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediate = IssueIntermediate(fixture.Tls.Ca.Certificate, intermediateKey);
        using var leaf = IssueClientWithAia(intermediate, aiaUri);
        using var channel = fixture.Host.CreateChannel(leaf);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new KeyServerClient(channel).SignAsync(Request(), cancellationToken: timeout.Token));

        TlsRefusal.AssertRefusedBeforeTheCall(error);
        Assert.Equal(0, Volatile.Read(ref connections));
        aia.Stop();
        await listening;
    }

    private static async Task<List<string>> ListServicesAsync(KeyServerTestHost host, CancellationToken cancellationToken)
    {
        using var channel = host.CreateChannel();
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, cancellationToken);
        await call.RequestStream.CompleteAsync();
        var services = new List<string>();
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            services.AddRange(call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
        }

        return services;
    }

    private static SignRequest Request() => new()
    {
        Id = 1,
        Key = new KeyRef { KeyId = EndToEndFixture.EcP256 },
        Operation = Operation.EcdsaSha256,
        Payload = ByteString.CopyFrom(new byte[32]),
    };

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

    private static async Task CountConnectionsAsync(TcpListener listener, Action onConnection, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync(cancellationToken);
                onConnection();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The listener was stopped.
        }
    }
}
