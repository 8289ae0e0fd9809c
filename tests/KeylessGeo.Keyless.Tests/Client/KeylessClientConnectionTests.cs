using System.Text;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Testing;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>Connection failures, reconnection, stray responses and mutual TLS.</summary>
public sealed class KeylessClientConnectionTests
{
    private const byte Hold = 0xC1;

    [Fact]
    public async Task Sign_WhenTheServerClosesTheConnection_FailsPendingRequestsWithUnavailableAndTheNextRequestReconnects()
    {
        await using var harness = ClientHarness.Start();
        var held = 0;
        harness.Server.Handler = (connection, request) =>
        {
            if (request.Payload[0] != Hold)
            {
                return connection.SendAsync(harness.Signer.Answer(request));
            }

            if (++held == 3)
            {
                connection.Abort();
            }

            return Task.CompletedTask;
        };
        Assert.True((await harness.Client.PingAsync("hello"u8.ToArray(), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound)).IsSuccess);

        var pending = Enumerable.Range(0, 3)
            .Select(_ => harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest(Hold)), ClientHarness.Generous).AsTask())
            .ToArray();
        var failed = await Task.WhenAll(pending).WaitAsync(ClientHarness.Bound);
        var digest = ClientHarness.Digest(0x01);
        var next = await harness.Client.SignAsync(ClientHarness.EcdsaSign(digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.All(failed, result =>
        {
            Assert.Equal(ErrorCode.Unavailable, result.Code);
            Assert.True(result.MayHaveReachedServer);
            Assert.Null(result.WireError);
        });
        Assert.True(harness.Signer.VerifyEcdsa(digest, next.Value), next.ToString());
        Assert.Equal(2, harness.Server.EstablishedTls);

        // Requests that may have reached the server are not retried by the client.
        Assert.Equal(3, harness.Server.Received.Count(r => r.Payload.Length > 0 && r.Payload[0] == Hold));
    }

    [Fact]
    public async Task Sign_WhenTheServerSendsAResponseForAnUnknownId_IgnoresItAndAnswersEveryRequest()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = async (connection, request) =>
        {
            await connection.SendAsync(FactsWire.Response(request.Id + 100_000, [0xDE, 0xAD]));
            await connection.SendAsync(harness.Signer.Answer(request));
        };
        var digests = Enumerable.Range(0, 8).Select(_ => ClientHarness.Digest()).ToArray();

        var results = await Task.WhenAll(digests.Select(d => harness.Client.SignAsync(ClientHarness.EcdsaSign(d), ClientHarness.Generous).AsTask()))
            .WaitAsync(ClientHarness.Bound);

        Assert.All(results.Zip(digests), pair => Assert.True(harness.Signer.VerifyEcdsa(pair.Second, pair.First.Value), pair.First.ToString()));
        Assert.Equal(8, harness.Log.Count("UnknownResponseId"));
        Assert.Equal(1, harness.Server.EstablishedTls);
    }

    [Fact]
    public async Task Sign_WhenTheServerSendsGarbage_FailsPendingRequestsWithUnavailableAndReconnects()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) => request.Payload[0] == Hold
            ? connection.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n\r\n"))
            : connection.SendAsync(harness.Signer.Answer(request));
        Assert.True((await harness.Client.PingAsync("x"u8.ToArray(), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound)).IsSuccess);

        var broken = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest(Hold)), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);
        var digest = ClientHarness.Digest(0x01);
        var next = await harness.Client.SignAsync(ClientHarness.EcdsaSign(digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Unavailable, broken.Code);
        Assert.Contains("protocol version", broken.Message, StringComparison.Ordinal);
        Assert.True(harness.Signer.VerifyEcdsa(digest, next.Value), next.ToString());
        Assert.Equal(2, harness.Server.EstablishedTls);
    }

    [Fact]
    public async Task Sign_WhenTheConnectionFailsBeforeTheRequestIsWritten_RetriesItOnANewConnection()
    {
        await using var harness = ClientHarness.Start(o => o with { ConnectionCount = 2 });
        harness.Server.AcceptConnection = number => number != 1;
        var digest = ClientHarness.Digest();

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.True(harness.Signer.VerifyEcdsa(digest, result.Value), result.ToString());
        Assert.Equal(2, harness.Server.AcceptedTcp);
        Assert.Equal(1, harness.Server.EstablishedTls);
        Assert.Single(harness.Server.Received);
    }

    [Fact]
    public async Task Sign_WhenNothingListens_FailsWithUnavailableThatNeverReachedAServer()
    {
        using var tls = TestTlsMaterial.Create();
        await using var client = new KeylessClient(new KeylessClientOptions
        {
            Host = "127.0.0.1",
            Port = FreePort.Next(),
            ClientCertificate = tls.ClientCertificate,
            TrustedCa = tls.TrustedCa,
            ConnectionCount = 2,
        });

        var result = await client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Unavailable, result.Code);
        Assert.False(result.MayHaveReachedServer);
        Assert.Contains("ConnectionRefused", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WhenTheServerCertificateIsFromAnUntrustedCa_RejectsTheServer()
    {
        await using var harness = ClientHarness.Start(serverCertificate: tls => tls.OtherCaServerCertificate);

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Unavailable, result.Code);
        Assert.False(result.MayHaveReachedServer);
        Assert.Contains("TLS handshake failed", result.Message, StringComparison.Ordinal);
        Assert.Contains("not trusted", result.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Server.Received);
    }

    [Fact]
    public async Task Sign_WhenTheServerCertificateDoesNotNameTheServer_RejectsTheServer()
    {
        await using var harness = ClientHarness.Start(o => o with { ServerName = "keyserver.example" });

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Unavailable, result.Code);
        Assert.Contains("is not valid for 'keyserver.example'", result.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Server.Received);
    }

    [Fact]
    public async Task Sign_WhenTheServerDoesNotTrustTheClientCertificate_FailsWithUnavailable()
    {
        await using var harness = ClientHarness.Start(clientCertificate: tls => tls.OtherCaClientCertificate);

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Unavailable, result.Code);
        Assert.Empty(harness.Server.Received);
        Assert.True(harness.Server.HandshakeFailures >= 1);
    }

    [Fact]
    public async Task DisposeAsync_FailsWaitingRequestsWithUnavailableAndRefusesNewOnes()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (_, _) => Task.CompletedTask;

        var call = harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous);
        await harness.Server.WaitForRequestsAsync(1).WaitAsync(ClientHarness.Bound);
        await harness.Client.DisposeAsync();
        var result = await call.AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Unavailable, result.Code);
        Assert.Contains("disposed", result.Message, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous));
    }
}
