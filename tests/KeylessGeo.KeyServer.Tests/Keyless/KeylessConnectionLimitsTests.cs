using KeylessGeo.Testing;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Testing.Keyless;

using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// One connection's idle and partial-message timeouts and response budget, on a manual clock
/// with in-memory pipes: time moves only when the test says so.
/// </summary>
public sealed class KeylessConnectionLimitsTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Partial = TimeSpan.FromSeconds(10);
    private static readonly KeylessOptions Timeouts = new() { IdleTimeout = Idle, PartialMessageTimeout = Partial };
    private static readonly byte[] Ski = [.. Enumerable.Range(1, 20).Select(i => (byte)i)];

    [Fact]
    public async Task Idle_ClosesTheConnectionWhenTheIdleTimeoutExpires_NotBefore()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new ManualClock();
        await using var connection = new InMemoryKeylessConnection(new ScriptedSigningService(), options: Timeouts, time: clock);
        var run = connection.Connection.RunAsync();
        await ExchangePingAsync(connection, 1, timeout.Token);

        clock.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.False(run.IsCompleted, "closed before the idle timeout");
        Assert.Null(connection.AbortMessage);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(KeylessCloseReason.IdleTimeout, await run.WaitAsync(timeout.Token));
        Assert.Contains("idle", connection.AbortMessage, StringComparison.Ordinal);
        Assert.Null(await connection.ReceiveAsync(timeout.Token));
    }

    [Fact]
    public async Task Idle_RequestWaitingForTheSigningCore_KeepsTheConnectionOpen_AndTheTimeoutCountsFromItsAnswer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new ManualClock();
        var signing = new ScriptedSigningService();
        await using var connection = new InMemoryKeylessConnection(signing, options: Timeouts, time: clock);
        var run = connection.Connection.RunAsync();
        await connection.SendAsync(Sign(7));
        var call = await signing.Calls.Reader.ReadAsync(timeout.Token);
        Assert.True(SpinWait.SpinUntil(() => connection.Connection.RequestsAtCore == 1, TimeSpan.FromSeconds(10)), "the request was never counted as waiting");

        clock.Advance(Idle * 3);
        Assert.False(run.IsCompleted, "closed while a request waited for the signing core");
        call.Completion!.SetResult(ScriptedSigningService.Success(call.Request));
        Assert.Equal(7U, (await connection.ReceiveAsync(timeout.Token))!.Id);
        Assert.True(SpinWait.SpinUntil(() => connection.Connection.QueuedResponseBytes == 0, TimeSpan.FromSeconds(10)), "the answer was never flushed");

        clock.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.False(run.IsCompleted, $"closed before the idle timeout counted from the answer: {(run.IsCompleted ? run.Result : null)} {connection.AbortMessage}");
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(KeylessCloseReason.IdleTimeout, await run.WaitAsync(timeout.Token));
    }

    [Fact]
    public async Task PartialMessage_ClosesTheConnectionWhenTheTimeoutExpires_NotBefore()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new ManualClock();
        await using var connection = new InMemoryKeylessConnection(new ScriptedSigningService(), options: Timeouts, time: clock);
        var run = connection.Connection.RunAsync();

        // A ping, then five bytes of the next header: once the pong is out, the reader has seen them.
        await connection.SendAsync([.. KeylessTestClient.Ping(1, [1], pad: false), .. RawFrames.Header(2, 1, 100)[..5]]);
        Assert.Equal(1U, (await connection.ReceiveAsync(timeout.Token))!.Id);

        clock.Advance(Partial - TimeSpan.FromSeconds(1));
        Assert.False(run.IsCompleted, "closed before the partial-message timeout");
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(KeylessCloseReason.PartialMessageTimeout, await run.WaitAsync(timeout.Token));
        Assert.Equal(5, connection.Connection.PartialBytes);
        Assert.Contains("partial-message timeout", connection.AbortMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartialMessage_CompletedInTime_ResetsThePartialTimeout()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new ManualClock();
        await using var connection = new InMemoryKeylessConnection(new ScriptedSigningService(), options: Timeouts, time: clock);
        var run = connection.Connection.RunAsync();
        var second = KeylessTestClient.Ping(2, [2, 2], pad: false);
        await connection.SendAsync([.. KeylessTestClient.Ping(1, [1], pad: false), .. second[..9]]);
        Assert.Equal(1U, (await connection.ReceiveAsync(timeout.Token))!.Id);

        clock.Advance(Partial - TimeSpan.FromSeconds(1));
        await connection.SendAsync(second[9..]);
        Assert.Equal(2U, (await connection.ReceiveAsync(timeout.Token))!.Id);
        Assert.True(SpinWait.SpinUntil(() => connection.Connection.QueuedResponseBytes == 0, TimeSpan.FromSeconds(10)), "the pong was never flushed");
        clock.Advance(Partial * 2);

        Assert.False(run.IsCompleted, "a completed message still counted as partial");
        await connection.CloseClientAsync();
        Assert.Equal(KeylessCloseReason.ClientClosed, await run.WaitAsync(timeout.Token));
    }

    [Fact]
    public async Task UnreadPings_StopTheReaderAtTheConnectionsCap_AndEveryPingIsAnsweredOnceTheClientReads()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        const int Pings = 40;
        var options = new KeylessOptions { MaxResponseBytesPerConnection = 64 * 1024, ResponseBytesBudget = 1024 * 1024 };
        await using var connection = new InMemoryKeylessConnection(new ScriptedSigningService(), options: options, clientWindow: 32 * 1024);
        var payload = new byte[8 * 1024];
        var cost = KeylessHeader.Size + 4 + 3 + payload.Length;
        await connection.SendAsync([.. Enumerable.Range(1, Pings).SelectMany(id => KeylessTestClient.Ping((uint)id, payload, pad: false))]);
        var run = connection.Connection.RunAsync();

        // The client reads nothing: the connection fills its cap, then stops reading.
        Assert.True(
            SpinWait.SpinUntil(() => connection.Connection.QueuedResponseBytes > options.MaxResponseBytesPerConnection - cost, TimeSpan.FromSeconds(10)),
            "the connection never filled its share");
        Assert.True(connection.Connection.Requests < Pings, $"all {Pings} pings were read without the client reading");

        var answered = new List<uint>();
        for (var i = 0; i < Pings; i++)
        {
            var pong = await connection.ReceiveAsync(timeout.Token);
            Assert.Equal(KeylessOpcode.Pong, pong!.Opcode);
            answered.Add(pong.Id);
        }

        Assert.Equal(Enumerable.Range(1, Pings).Select(i => (uint)i), answered);
        Assert.InRange(connection.Budget.PeakBytes, cost, options.MaxResponseBytesPerConnection);
        await connection.CloseClientAsync();
        Assert.Equal(KeylessCloseReason.ClientClosed, await run.WaitAsync(timeout.Token));
        Assert.Equal(0, connection.Budget.QueuedBytes);
    }

    [Fact]
    public async Task SpentBudget_ClosesTheConnectionThatDoesNotRead_AfterTheGracePeriod_AndTheOtherGoesOn()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new ManualClock();
        var options = Timeouts with
        {
            MaxResponseBytesPerConnection = 64 * 1024,
            ResponseBytesBudget = 64 * 1024,
            ResponseBudgetGracePeriod = TimeSpan.FromSeconds(4),
        };
        using var budget = new ResponseBudget(options.ResponseBytesBudget, options.MaxResponseBytesPerConnection, options.ResponseBudgetGracePeriod, clock);
        await using var hog = new InMemoryKeylessConnection(new ScriptedSigningService(), options: options, time: clock, budget: budget, clientWindow: 16 * 1024);
        await using var polite = new InMemoryKeylessConnection(new ScriptedSigningService(), options: options, time: clock, budget: budget);
        var payload = new byte[8 * 1024];
        var cost = KeylessHeader.Size + 4 + 3 + payload.Length;
        await hog.SendAsync([.. Enumerable.Range(1, 30).SelectMany(id => KeylessTestClient.Ping((uint)id, payload, pad: false))]);
        var hogRun = hog.Connection.RunAsync();
        Assert.True(SpinWait.SpinUntil(() => budget.QueuedBytes > budget.Limit - cost, TimeSpan.FromSeconds(10)), "the hog never filled the budget");

        // The polite client's ping cannot be read while the hog holds the whole budget.
        var politeRun = polite.Connection.RunAsync();
        await polite.SendAsync(KeylessTestClient.Ping(1, payload, pad: false));
        Assert.True(SpinWait.SpinUntil(() => polite.Connection.WaitsForResponseBudget, TimeSpan.FromSeconds(10)), "the polite connection never waited for the budget");
        Assert.Equal(0, polite.Connection.Requests);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(hogRun.IsCompleted, "closed before the grace period");
        clock.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(KeylessCloseReason.ResponseBudget, await hogRun.WaitAsync(timeout.Token));
        Assert.True(hog.Connection.OverShareBytes > hog.Connection.FairShare);
        Assert.Equal(budget.Limit / 2, hog.Connection.FairShare);
        var pong = await polite.ReceiveAsync(timeout.Token);
        Assert.Equal(payload, pong!.Payload);
        Assert.InRange(budget.PeakBytes, cost, budget.Limit);
        await polite.CloseClientAsync();
        Assert.Equal(KeylessCloseReason.ClientClosed, await politeRun.WaitAsync(timeout.Token));
    }

    private static async Task ExchangePingAsync(InMemoryKeylessConnection connection, uint id, CancellationToken cancellationToken)
    {
        await connection.SendAsync(KeylessTestClient.Ping(id, [9], pad: false));
        Assert.Equal(id, (await connection.ReceiveAsync(cancellationToken))!.Id);

        // The pong's flush is progress too: wait for it, so the clock moves only afterwards.
        Assert.True(SpinWait.SpinUntil(() => connection.Connection.QueuedResponseBytes == 0, TimeSpan.FromSeconds(10)), "the pong was never flushed");
    }

    private static byte[] Sign(uint id) =>
        KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = new byte[32], Ski = Ski }, pad: false);
}
