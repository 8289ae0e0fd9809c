using KeylessGeo.Testing;
using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Admission;

/// <summary>Admission decisions, driven by a manual clock and gated fake operations.</summary>
public sealed class AdmissionControllerTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly ManualClock _time = new();
    private readonly ManualResetEventSlim _gate = new(false);
    private AdmissionController? _controller;

    private AdmissionController Create(int workers, int queueLimit) =>
        _controller = new AdmissionController(workers, queueLimit, _time, NullLogger<AdmissionController>.Instance);

    private DateTimeOffset In(TimeSpan span) => _time.GetUtcNow() + span;

    private async Task<GatedWorkItem> OccupyWorkerAsync(AdmissionController controller)
    {
        var blocker = new GatedWorkItem(In(TimeSpan.FromHours(1)), _gate);
        Assert.True(controller.TryEnqueue(blocker).IsAccepted);
        await blocker.Started.Task.WaitAsync(Bound);
        return blocker;
    }

    [Fact]
    public async Task Enqueue_WhenQueueIsFull_RejectsAtOnce()
    {
        var controller = Create(workers: 1, queueLimit: 2);
        var blocker = await OccupyWorkerAsync(controller);
        var queued = new[] { new GatedWorkItem(In(TimeSpan.FromHours(1))), new GatedWorkItem(In(TimeSpan.FromHours(1))) };
        Assert.All(queued, item => Assert.True(controller.TryEnqueue(item).IsAccepted));

        var rejected = controller.TryEnqueue(new GatedWorkItem(In(TimeSpan.FromHours(1))));

        Assert.Equal(AdmissionDecision.QueueFull, rejected.Decision);
        Assert.Contains("queue full", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(new AdmissionLoad(1, 2, 1, 2, 0, 1, 0), controller.Load);
        _gate.Set();
        Assert.Equal("executed", await blocker.Outcome.Task.WaitAsync(Bound));
        foreach (var item in queued)
        {
            Assert.Equal("executed", await item.Outcome.Task.WaitAsync(Bound));
        }
    }

    [Fact]
    public async Task Enqueue_WhenPredictedStartIsAfterDeadline_RejectsAtOnce()
    {
        var controller = Create(workers: 1, queueLimit: 10);
        var measured = new GatedWorkItem(In(TimeSpan.FromHours(1)), whileRunning: () => _time.Advance(TimeSpan.FromMilliseconds(100)));
        Assert.True(controller.TryEnqueue(measured).IsAccepted);
        await measured.Outcome.Task.WaitAsync(Bound);
        Assert.Equal(TimeSpan.FromMilliseconds(100), controller.ServiceTimes.Estimate(measured.Algorithm));
        await OccupyWorkerAsync(controller);

        var tooSoon = controller.TryEnqueue(new GatedWorkItem(In(TimeSpan.FromMilliseconds(50))));
        var fits = new GatedWorkItem(In(TimeSpan.FromMilliseconds(150)));
        var fitsResult = controller.TryEnqueue(fits);
        var behindIt = controller.TryEnqueue(new GatedWorkItem(In(TimeSpan.FromMilliseconds(150))));

        Assert.Equal(AdmissionDecision.CannotStartBeforeDeadline, tooSoon.Decision);
        Assert.Contains("cannot start before deadline", tooSoon.Message, StringComparison.Ordinal);
        Assert.True(fitsResult.IsAccepted);
        Assert.Equal(AdmissionDecision.CannotStartBeforeDeadline, behindIt.Decision);
        Assert.Equal(2, controller.Load.RejectedOverloadedTotal);
        _gate.Set();
        Assert.Equal("executed", await fits.Outcome.Task.WaitAsync(Bound));
    }

    [Fact]
    public async Task Worker_PublishesTheOutcomeOnlyAfterCountingIt()
    {
        var controller = Create(workers: 1, queueLimit: 10);
        AdmissionLoad? atPublish = null;
        TimeSpan? estimateAtPublish = null;
        var item = new GatedWorkItem(
            In(TimeSpan.FromHours(1)),
            whileRunning: () => _time.Advance(TimeSpan.FromMilliseconds(100)),
            onPublish: () =>
            {
                atPublish = controller.Load;
                estimateAtPublish = controller.ServiceTimes.Estimate(KeylessGeo.KeyServer.Keys.KeyAlgorithm.EcdsaP256);
            });

        Assert.True(controller.TryEnqueue(item).IsAccepted);
        Assert.Equal("executed", await item.Outcome.Task.WaitAsync(Bound));

        // A caller that sees its response must also see it counted (GetCapacity right after a Sign).
        var load = Assert.NotNull(atPublish);
        Assert.Equal(0, load.InFlight);
        Assert.Equal(1, load.CompletedTotal);
        Assert.Equal(TimeSpan.FromMilliseconds(100), estimateAtPublish);
    }

    [Fact]
    public async Task Worker_WhenDeadlinePassedWhileQueued_ExpiresWithoutDoingTheWork()
    {
        var controller = Create(workers: 1, queueLimit: 10);
        var blocker = await OccupyWorkerAsync(controller);
        var counter = new WorkCounter();
        var late = new GatedWorkItem(In(TimeSpan.FromSeconds(1)), counter: counter);
        Assert.True(controller.TryEnqueue(late).IsAccepted);

        _time.Advance(TimeSpan.FromSeconds(2));
        _gate.Set();

        Assert.Equal("expired", await late.Outcome.Task.WaitAsync(Bound));
        Assert.Equal(0, counter.Count);
        Assert.Equal("executed", await blocker.Outcome.Task.WaitAsync(Bound));
        Assert.Equal(1, controller.Load.ExpiredTotal);
    }

    [Fact]
    public void WhenCapacityFrees_WhileIdle_CompletesAtOnce()
    {
        var controller = Create(workers: 1, queueLimit: 2);

        var freed = controller.WhenCapacityFreesAsync(CancellationToken.None);

        Assert.True(freed.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WhenCapacityFrees_WhileWorkersAreBusy_CompletesWhenAWorkerFinishes()
    {
        var controller = Create(workers: 1, queueLimit: 2);
        var blocker = await OccupyWorkerAsync(controller);

        var freed = controller.WhenCapacityFreesAsync(CancellationToken.None);
        Assert.False(freed.IsCompleted);
        _gate.Set();

        await freed.WaitAsync(Bound);
        Assert.Equal("executed", await blocker.Outcome.Task.WaitAsync(Bound));
    }

    [Fact]
    public async Task Dispose_AnswersRequestsStillQueued_AsExpired()
    {
        var controller = Create(workers: 1, queueLimit: 4);
        var blocker = await OccupyWorkerAsync(controller);
        var queued = new GatedWorkItem(In(TimeSpan.FromHours(1)));
        Assert.True(controller.TryEnqueue(queued).IsAccepted);

        // The worker is held by the gate, so Dispose gives up waiting for it and drains the queue.
        controller.Dispose();

        Assert.Equal("expired", await queued.Outcome.Task.WaitAsync(Bound));
        _gate.Set();
        Assert.Equal("executed", await blocker.Outcome.Task.WaitAsync(Bound));
    }

    [Fact]
    public void Enqueue_WhenDeadlineAlreadyPassed_RejectsAsDeadlinePassed()
    {
        var controller = Create(workers: 1, queueLimit: 10);

        var result = controller.TryEnqueue(new GatedWorkItem(In(TimeSpan.FromMilliseconds(-1))));

        Assert.Equal(AdmissionDecision.DeadlinePassed, result.Decision);
    }

    [Fact]
    public async Task Burst_FarAboveCapacity_DoesExactlyTheAdmittedWork()
    {
        var controller = Create(workers: 2, queueLimit: 8);
        var counter = new WorkCounter();
        var items = Enumerable.Range(0, 500).Select(_ => new GatedWorkItem(In(TimeSpan.FromHours(1)), _gate, counter: counter)).ToList();

        var admitted = items.Where(item => controller.TryEnqueue(item).IsAccepted).ToList();
        _gate.Set();
        foreach (var item in admitted)
        {
            Assert.Equal("executed", await item.Outcome.Task.WaitAsync(Bound));
        }

        // Two workers may already have taken one item each, freeing two queue slots at most.
        Assert.InRange(admitted.Count, 8, 10);
        Assert.Equal(admitted.Count, counter.Count);
        Assert.Equal(500 - admitted.Count, controller.Load.RejectedOverloadedTotal);
        Assert.All(items.Except(admitted), item => Assert.False(item.Outcome.Task.IsCompleted));
    }

    public void Dispose()
    {
        _gate.Set();
        _controller?.Dispose();
        _gate.Dispose();
    }
}
