using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Grpc;
using KeylessGeo.Transport.Channels;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Connections;

/// <summary>Issue 8's attack on the gRPC port: idle connections are bare HTTP/2 connections past their SETTINGS exchange.</summary>
public sealed class GrpcConnectionLimitsProcessTests : ConnectionLimitsProcessTests<RawHttp2Client>
{
    protected override string Section => "Grpc";

    protected override string EndpointName => "grpc";

    protected override IPEndPoint EndPointOf(KeyServerProcess keyserver) => keyserver.GrpcEndPoint;

    protected override async Task<RawHttp2Client?> TryOpenAsync(IPEndPoint endPoint, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        RawHttp2Client? client = null;
        try
        {
            client = await RawHttp2Client.ConnectAsync(endPoint, certificate, Tls.TrustedCa, cancellationToken);
            if (await client.WaitForSettingsAsync(cancellationToken))
            {
                return client;
            }
        }
        catch (Exception e) when (e is IOException or AuthenticationException or SocketException)
        {
            // Closed before or during the handshake.
        }

        if (client is not null)
        {
            await client.DisposeAsync();
        }

        return null;
    }

    protected override async Task SignAsync(KeyServerProcess keyserver, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannelFactory.Create(new ChannelSettings
        {
            Address = "https://" + keyserver.GrpcEndPoint,
            ClientCertificate = certificate,
            TrustedCa = Tls.TrustedCa,
        });
        var digest = RandomNumberGenerator.GetBytes(32);
        var response = await new KeyServerClient(channel).SignAsync(
            new SignRequest { Id = 7, Key = new KeyRef { KeyId = Key }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(digest) },
            cancellationToken: cancellationToken);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        using var ecdsa = Keys.LoadEcdsa(Key);
        Assert.True(ecdsa.VerifyHash(digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
    }

    protected override Task<long> WaitForCloseAsync(RawHttp2Client client, CancellationToken cancellationToken) => client.Closed.WaitAsync(cancellationToken);

    /// <summary>An idle close is a graceful GOAWAY (NO_ERROR).</summary>
    protected override void AssertClosedAsTheProtocolSays(RawHttp2Client client) => Assert.Equal(0, client.GoAwayError);
}
