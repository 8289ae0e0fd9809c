using KeylessGeo.EdgeHost.Configuration;
using KeylessGeo.EdgeHost.Handshakes;
using KeylessGeo.Testing;
using Xunit;

namespace KeylessGeo.EdgeTls.Tests.EdgeHost;

/// <summary>The handshake gate: slots, the bounded queue, its timeout on an injected clock, refusals.</summary>
public sealed class HandshakeGateTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);
    private readonly ManualClock _clock = new();
    private readonly List<string> _refusals = [];
    private readonly List<bool> _finished = [];

    private HandshakeGate Gate(int maxConcurrent, int maxQueued, TimeSpan? queueTimeout = null)
    {
        var gate = new HandshakeGate(new HandshakeOptions { MaxConcurrent = maxConcurrent, MaxQueued = maxQueued, QueueTimeout = queueTimeout ?? TimeSpan.FromSeconds(1) }, _clock);
        gate.Refused += _refusals.Add;
        gate.Finished += (completed, _) => _finished.Add(completed);
        return gate;
    }

    [Fact]
    public async Task SlotsUpToTheBound_AreGivenAtOnce_TheNextConnectionWaitsUntilOneEnds()
    {
        using var gate = Gate(maxConcurrent: 2, maxQueued: 4);
        var first = await gate.EnterAsync(CancellationToken.None);
        var second = await gate.EnterAsync(CancellationToken.None);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(2, gate.InProgress);

        var third = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
        Assert.Equal(1, gate.Queued);

        first.Finish(completed: true);
        var slot = await third.WaitAsync(HangGuard);
        Assert.NotNull(slot);
        Assert.Equal(0, gate.Queued);
        Assert.Equal(2, gate.InProgress);
        Assert.Equal([true], _finished);
        Assert.Empty(_refusals);
    }

    [Fact]
    public async Task QueueFull_ConnectionIsRefusedAtOnce()
    {
        using var gate = Gate(maxConcurrent: 1, maxQueued: 1);
        Assert.NotNull(await gate.EnterAsync(CancellationToken.None));
        var waiting = gate.EnterAsync(CancellationToken.None).AsTask();

        var refused = await gate.EnterAsync(CancellationToken.None);

        Assert.Null(refused);
        Assert.Equal(["queue_full"], _refusals);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, gate.Queued);
    }

    [Fact]
    public async Task WaitingLongerThanTheQueueTimeout_ConnectionIsRefused()
    {
        using var gate = Gate(maxConcurrent: 1, maxQueued: 8, queueTimeout: TimeSpan.FromMilliseconds(500));
        Assert.NotNull(await gate.EnterAsync(CancellationToken.None));
        var waiting = gate.EnterAsync(CancellationToken.None).AsTask();

        _clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(waiting.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await waiting.WaitAsync(HangGuard));
        Assert.Equal(["queue_timeout"], _refusals);
        Assert.Equal(0, gate.Queued);
    }

    [Fact]
    public async Task ConnectionClosingWhileItWaits_LeavesTheQueue_NotCountedAsRefused()
    {
        using var gate = Gate(maxConcurrent: 1, maxQueued: 8);
        Assert.NotNull(await gate.EnterAsync(CancellationToken.None));
        using var closed = new CancellationTokenSource();
        var waiting = gate.EnterAsync(closed.Token).AsTask();

        await closed.CancelAsync();

        Assert.Null(await waiting.WaitAsync(HangGuard));
        Assert.Empty(_refusals);
        Assert.Equal(0, gate.Queued);
    }

    [Fact]
    public async Task FinishingASlotTwice_GivesItBackOnce()
    {
        using var gate = Gate(maxConcurrent: 1, maxQueued: 0);
        var slot = await gate.EnterAsync(CancellationToken.None);
        Assert.NotNull(slot);

        slot.Finish(completed: true);
        slot.Finish(completed: false);

        Assert.Equal(0, gate.InProgress);
        Assert.Equal([true], _finished);
        Assert.NotNull(await gate.EnterAsync(CancellationToken.None));
        Assert.Null(await gate.EnterAsync(CancellationToken.None));
    }
}
