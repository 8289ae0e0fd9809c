using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>The Keyless port accepts only currently valid client certificates from its CA, over TLS 1.2 or 1.3.</summary>
public abstract class KeylessMutualTlsEndToEndTests(KeylessFixture fixture)
{
    /// <summary>These tests on the default transport, Kestrel.</summary>
    [Collection(KeylessCollection.Name)]
    public sealed class OnKestrel(KeylessFixture fixture) : KeylessMutualTlsEndToEndTests(fixture);

    /// <summary>These tests on the epoll transport.</summary>
    [Collection(EpollKeylessCollection.Name)]
    public sealed class OnEpoll(EpollKeylessFixture fixture) : KeylessMutualTlsEndToEndTests(fixture);

    public static TheoryData<string, SslProtocols> RefusedClients()
    {
        var data = new TheoryData<string, SslProtocols>();
        foreach (var protocol in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            data.Add("none", protocol);
            data.Add("another CA", protocol);
            data.Add("expired", protocol);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedClients))]
    public async Task Connection_WithUntrustedOrMissingClientCertificate_IsRefusedAtTheHandshake(string certificate, SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = certificate switch
        {
            "none" => null,
            "another CA" => fixture.Tls.OtherCaClientCertificate,
            _ => fixture.Tls.ExpiredClientCertificate,
        };

        var response = await TryPingAsync(client, protocol, timeout.Token);

        Assert.Null(response);
    }

    [Theory]
    [MemberData(nameof(KeylessFixture.TlsVersions), MemberType = typeof(KeylessFixture))]
    public async Task Connection_WithTrustedClientCertificate_NegotiatesTheRequestedVersionAndAnAeadSuite(SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);

        var response = await client.ExchangeAsync(KeylessTestClient.Ping(1, [42]), timeout.Token);

        Assert.Equal(protocol, client.Protocol);
        Assert.Contains(client.CipherSuite, Aead);
        Assert.Equal([42], response.Payload);
    }

    private static readonly TlsCipherSuite[] Aead =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>
    /// Connects and pings; null when the handshake, the write or the read failed or the
    /// connection was closed. Under TLS 1.3 the client's handshake completes before the server
    /// has checked the client certificate, so the refusal shows on the first read.
    /// </summary>
    private async Task<KeylessTestResponse?> TryPingAsync(X509Certificate2? certificate, SslProtocols protocol, CancellationToken cancellationToken)
    {
        KeylessTestClient client;
        try
        {
            client = await KeylessTestClient.ConnectAsync(
                fixture.EndPoint,
                new KeylessTestClientOptions { TrustedCa = fixture.Tls.TrustedCa, ClientCertificate = certificate, Protocol = protocol },
                cancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return null;
        }

        await using (client)
        {
            try
            {
                await client.WriteAsync(KeylessTestClient.Ping(1, [1]), cancellationToken);
                return await client.ReadAsync(cancellationToken);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                return null;
            }
        }
    }
}
