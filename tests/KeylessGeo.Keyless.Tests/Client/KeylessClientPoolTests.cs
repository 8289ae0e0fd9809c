using System.Collections.Concurrent;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>The connection pool: lazy connections, load spreading, the in-flight bound, volume.</summary>
public sealed class KeylessClientPoolTests
{
    [Fact]
    public async Task Sign_WhenRequestsComeOneAtATime_UsesASingleConnection()
    {
        await using var harness = ClientHarness.Start(o => o with { ConnectionCount = 4 });

        for (var i = 0; i < 5; i++)
        {
            var result = await harness.Client.PingAsync(new byte[] { (byte)i }, ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);
            Assert.True(result.IsSuccess, result.ToString());
        }

        Assert.Equal(1, harness.Server.EstablishedTls);
        Assert.Equal(1, harness.Client.ConnectionCount);
    }

    [Fact]
    public async Task Sign_WhenManyRequestsAreInFlight_SpreadsThemAcrossThePoolsConnections()
    {
        const int count = 30;
        await using var harness = ClientHarness.Start(o => o with { ConnectionCount = 3 });
        var held = new ConcurrentQueue<(ServerConnection Connection, ReceivedRequest Request)>();
        harness.Server.Handler = (connection, request) =>
        {
            held.Enqueue((connection, request));
            return Task.CompletedTask;
        };

        var calls = Enumerable.Range(0, count)
            .Select(_ => harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous).AsTask())
            .ToArray();
        await harness.Server.WaitForRequestsAsync(count).WaitAsync(ClientHarness.Bound);
        foreach (var (connection, request) in held)
        {
            await connection.SendAsync(harness.Signer.Answer(request));
        }

        var results = await Task.WhenAll(calls).WaitAsync(ClientHarness.Bound);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        var perConnection = harness.Server.Received.GroupBy(r => r.Connection).Select(g => g.Count()).ToArray();
        Assert.Equal(3, perConnection.Length);
        Assert.All(perConnection, n => Assert.InRange(n, 5, 20));
    }

    [Fact]
    public async Task Sign_WhenEveryConnectionIsAtItsInFlightBound_FailsFastWithOverloaded()
    {
        await using var harness = ClientHarness.Start(o => o with { ConnectionCount = 2, MaxInFlightPerConnection = 3 });
        var held = new ConcurrentQueue<(ServerConnection Connection, ReceivedRequest Request)>();
        harness.Server.Handler = (connection, request) =>
        {
            if (request.Opcode == FactsWire.Ping)
            {
                return connection.SendAsync(harness.Signer.Answer(request));
            }

            held.Enqueue((connection, request));
            return Task.CompletedTask;
        };

        var calls = Enumerable.Range(0, 6)
            .Select(_ => harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous).AsTask())
            .ToArray();
        await harness.Server.WaitForRequestsAsync(6).WaitAsync(ClientHarness.Bound);
        var refused = harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous);

        Assert.True(refused.IsCompletedSuccessfully);
        Assert.Equal(ErrorCode.Overloaded, refused.Result.Code);
        Assert.False(refused.Result.MayHaveReachedServer);
        foreach (var (connection, request) in held)
        {
            await connection.SendAsync(harness.Signer.Answer(request));
        }

        Assert.All(await Task.WhenAll(calls).WaitAsync(ClientHarness.Bound), r => Assert.True(r.IsSuccess, r.ToString()));
        var after = await harness.Client.PingAsync("room again"u8.ToArray(), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);
        Assert.True(after.IsSuccess, after.ToString());
        Assert.Equal(6, harness.Server.Received.Count(r => r.Opcode != FactsWire.Ping));
    }

    [Fact]
    public async Task Sign_TenThousandConcurrentRequests_AllCompleteWithSignaturesThatVerify()
    {
        const int count = 10_000;
        await using var harness = ClientHarness.Start(o => o with { ConnectionCount = 4, MaxInFlightPerConnection = 4096 });
        var digests = new byte[count][];
        var calls = new Task<Keyless.Client.KeylessResult>[count];

        for (var i = 0; i < count; i++)
        {
            digests[i] = ClientHarness.Digest();
            calls[i] = harness.Client.SignAsync(ClientHarness.EcdsaSign(digests[i]), ClientHarness.Generous).AsTask();
        }

        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(120));

        for (var i = 0; i < count; i++)
        {
            Assert.True(results[i].IsSuccess, results[i].ToString());
            Assert.True(harness.Signer.VerifyEcdsa(digests[i], results[i].Value), $"signature {i} does not verify");
        }

        var received = harness.Server.Received;
        Assert.Equal(count, received.Count);
        Assert.Equal(4, received.Select(r => r.Connection).Distinct().Count());
        Assert.Equal(count, received.Select(r => (r.Connection, r.Id)).Distinct().Count());
    }
}
