using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Connections;

/// <summary>Issue 8's attack on the Keyless port (2407): idle connections hold a ping's pong.</summary>
public class KeylessConnectionLimitsProcessTests : ConnectionLimitsProcessTests<KeylessTestClient>
{
    protected override string Section => "Keyless";

    protected override string EndpointName => "keyless";

    protected override IPEndPoint EndPointOf(KeyServerProcess keyserver) => keyserver.KeylessEndPoint;

    protected override async Task<KeylessTestClient?> TryOpenAsync(IPEndPoint endPoint, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        KeylessTestClient? client = null;
        try
        {
            client = await KeylessTestClient.ConnectAsync(
                endPoint,
                new KeylessTestClientOptions { TrustedCa = Tls.TrustedCa, ClientCertificate = certificate, Protocol = SslProtocols.Tls13 },
                cancellationToken);
            var pong = await client.ExchangeAsync(KeylessTestClient.Ping(1, [1, 2, 3]), cancellationToken);
            Assert.Equal(KeylessOpcode.Pong, pong.Opcode);
            return client;
        }
        catch (Exception e) when (e is IOException or AuthenticationException or SocketException or InvalidDataException)
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            return null;
        }
    }

    protected override async Task SignAsync(KeyServerProcess keyserver, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        await using var client = await KeylessTestClient.ConnectAsync(
            keyserver.KeylessEndPoint,
            new KeylessTestClientOptions { TrustedCa = Tls.TrustedCa, ClientCertificate = certificate },
            cancellationToken);
        var digest = RandomNumberGenerator.GetBytes(32);
        var response = await client.ExchangeAsync(
            KeylessTestClient.Encode(7, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = Keys.Ski(Key) }),
            cancellationToken);

        Assert.False(response.IsError, response.ToString());
        using var ecdsa = Keys.LoadEcdsa(Key);
        Assert.True(ecdsa.VerifyHash(digest, response.Payload, DSASignatureFormat.Rfc3279DerSequence));
    }

    protected override async Task<long> WaitForCloseAsync(KeylessTestClient client, CancellationToken cancellationToken)
    {
        try
        {
            Assert.Null(await client.ReadFrameBytesAsync(cancellationToken));
        }
        catch (IOException)
        {
            // A reset also closes it.
        }

        return Stopwatch.GetTimestamp();
    }
}
