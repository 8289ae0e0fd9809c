using System.Net;
using System.Net.Sockets;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Testing;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>Per-request deadlines on a manual clock: no sleeps, the test moves time.</summary>
public sealed class KeylessClientDeadlineTests
{
    private const byte Hold = 0x5A;

    [Fact]
    public async Task Sign_WhenItsDeadlinePasses_CompletesWithDeadlineExceededWhileOthersOnTheConnectionSucceed()
    {
        var time = new ManualTimeProvider();
        await using var harness = ClientHarness.Start(time: time);
        harness.Server.Handler = (connection, request) => request.Payload[0] == Hold
            ? Task.CompletedTask
            : connection.SendAsync(harness.Signer.Answer(request));
        var digests = Enumerable.Range(0, 5).Select(_ => ClientHarness.Digest(0x01)).ToArray();

        var slow = harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest(Hold)), TimeSpan.FromSeconds(1));
        var others = digests.Select(d => harness.Client.SignAsync(ClientHarness.EcdsaSign(d), TimeSpan.FromSeconds(10)).AsTask()).ToArray();
        var answered = await Task.WhenAll(others).WaitAsync(ClientHarness.Bound);
        Assert.False(slow.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var expired = await slow.AsTask().WaitAsync(ClientHarness.Bound);
        var after = ClientHarness.Digest(0x01);
        var next = await harness.Client.SignAsync(ClientHarness.EcdsaSign(after), TimeSpan.FromSeconds(10)).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.DeadlineExceeded, expired.Code);
        Assert.True(expired.MayHaveReachedServer);
        Assert.All(answered.Zip(digests), pair => Assert.True(harness.Signer.VerifyEcdsa(pair.Second, pair.First.Value)));
        Assert.True(harness.Signer.VerifyEcdsa(after, next.Value));
        Assert.Equal(1, harness.Server.EstablishedTls);
    }

    [Fact]
    public async Task Sign_WhenTheResponseArrivesAfterTheDeadline_DiscardsItWithoutDisturbingLaterRequests()
    {
        var time = new ManualTimeProvider();
        await using var harness = ClientHarness.Start(time: time);
        var held = new TaskCompletionSource<(ServerConnection, ReceivedRequest)>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Server.Handler = (connection, request) =>
        {
            if (request.Payload[0] == Hold)
            {
                held.TrySetResult((connection, request));
                return Task.CompletedTask;
            }

            return connection.SendAsync(harness.Signer.Answer(request));
        };

        var slow = harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest(Hold)), TimeSpan.FromSeconds(1));
        var (connection, request) = await held.Task.WaitAsync(ClientHarness.Bound);
        time.Advance(TimeSpan.FromSeconds(2));
        var expired = await slow.AsTask().WaitAsync(ClientHarness.Bound);

        // The late answer reaches the client before the next request's answer on the same stream.
        await connection.SendAsync(harness.Signer.Answer(request));
        var digests = Enumerable.Range(0, 4).Select(_ => ClientHarness.Digest(0x02)).ToArray();
        var results = await Task.WhenAll(digests.Select(d => harness.Client.SignAsync(ClientHarness.EcdsaSign(d), TimeSpan.FromSeconds(10)).AsTask()))
            .WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.DeadlineExceeded, expired.Code);
        Assert.All(results.Zip(digests), pair => Assert.True(harness.Signer.VerifyEcdsa(pair.Second, pair.First.Value), pair.First.ToString()));
        Assert.Equal(1, harness.Log.Count("UnknownResponseId"));
        Assert.Equal(1, harness.Server.EstablishedTls);
    }

    [Fact]
    public async Task Sign_WhenTheDeadlineHasAlreadyPassed_FailsAtOnceWithoutSending()
    {
        var time = new ManualTimeProvider();
        await using var harness = ClientHarness.Start(time: time);

        var byTimeout = harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), TimeSpan.Zero);
        var byDeadline = harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), time.GetUtcNow().AddMilliseconds(-1));

        Assert.True(byTimeout.IsCompletedSuccessfully);
        Assert.True(byDeadline.IsCompletedSuccessfully);
        Assert.Equal(ErrorCode.DeadlineExceeded, byTimeout.Result.Code);
        Assert.Equal(ErrorCode.DeadlineExceeded, byDeadline.Result.Code);
        Assert.False(byDeadline.Result.MayHaveReachedServer);
        Assert.Equal(0, harness.Client.ConnectionCount);
    }

    [Fact]
    public async Task Sign_WithAnAbsoluteDeadline_ExpiresWhenTheClockReachesIt()
    {
        var time = new ManualTimeProvider();
        await using var harness = ClientHarness.Start(time: time);
        harness.Server.Handler = (_, _) => Task.CompletedTask;

        var call = harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), time.GetUtcNow().AddSeconds(3));
        await harness.Server.WaitForRequestsAsync(1).WaitAsync(ClientHarness.Bound);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ErrorCode.DeadlineExceeded, (await call.AsTask().WaitAsync(ClientHarness.Bound)).Code);
    }

    [Fact]
    public async Task Sign_WhileConnecting_UsesTheRequestDeadlineAndTheSeparateLongerConnectTimeout()
    {
        var time = new ManualTimeProvider();
        using var tls = TestTlsMaterial.Create();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // completes TCP handshakes in the backlog but never speaks TLS
        var options = new KeylessClientOptions
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)silent.LocalEndpoint).Port,
            ClientCertificate = tls.ClientCertificate,
            TrustedCa = tls.TrustedCa,
            ConnectionCount = 1,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectBackoffInitial = TimeSpan.FromMilliseconds(100),
        };
        await using var client = new KeylessClient(options, null, time, static () => 0.0);

        var shortCall = client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), TimeSpan.FromSeconds(1));
        var longCall = client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(1));
        var timedOut = await shortCall.AsTask().WaitAsync(ClientHarness.Bound);
        var stillConnecting = client.ConnectionCount;
        time.Advance(TimeSpan.FromSeconds(4));
        var unavailable = await longCall.AsTask().WaitAsync(ClientHarness.Bound);
        var duringBackoff = client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), TimeSpan.FromSeconds(60));

        Assert.Equal(ErrorCode.DeadlineExceeded, timedOut.Code);
        Assert.Equal(1, stillConnecting);
        Assert.Equal(ErrorCode.Unavailable, unavailable.Code);
        Assert.False(unavailable.MayHaveReachedServer);
        Assert.Contains("connect timeout", unavailable.Message, StringComparison.Ordinal);
        Assert.True(duringBackoff.IsCompletedSuccessfully);
        Assert.Equal(ErrorCode.Unavailable, duringBackoff.Result.Code);
        Assert.Equal(0, client.ConnectionCount);

        // Equal jitter with a zero sample: half of the initial 100 ms.
        time.Advance(TimeSpan.FromMilliseconds(50));
        var afterBackoff = client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), TimeSpan.FromSeconds(60));
        Assert.False(afterBackoff.IsCompleted);
        Assert.Equal(1, client.ConnectionCount);
        await client.DisposeAsync();
        Assert.Equal(ErrorCode.Unavailable, (await afterBackoff.AsTask().WaitAsync(ClientHarness.Bound)).Code);
    }

    [Fact]
    public async Task Sign_WhenTheCallerCancels_ThrowsOperationCanceledAndTheConnectionKeepsWorking()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) => request.Payload[0] == Hold
            ? Task.CompletedTask
            : connection.SendAsync(harness.Signer.Answer(request));
        using var cancel = new CancellationTokenSource();

        var call = harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest(Hold)), ClientHarness.Generous, cancel.Token);
        await harness.Server.WaitForRequestsAsync(1).WaitAsync(ClientHarness.Bound);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.AsTask().WaitAsync(ClientHarness.Bound));
        var digest = ClientHarness.Digest(0x01);
        var next = await harness.Client.SignAsync(ClientHarness.EcdsaSign(digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.True(harness.Signer.VerifyEcdsa(digest, next.Value));
        Assert.Equal(1, harness.Server.EstablishedTls);
    }
}
