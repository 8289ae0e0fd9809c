using KeylessGeo.KeyServer.Admission;
using KeylessGeo.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Admission;

/// <summary>
/// Short work run by its caller (an event loop) when a slot is free: on the caller's thread,
/// counted like a worker's, never ahead of queued work, never beyond the concurrency limit.
/// </summary>
public sealed class AdmissionInlineTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly ManualClock _time = new();
    private readonly ManualResetEventSlim _gate = new(false);
    private AdmissionController? _controller;

    private AdmissionController Create(int workers, int queueLimit) =>
        _controller = new AdmissionController(workers, queueLimit, _time, NullLogger<AdmissionController>.Instance);

    private DateTimeOffset In(TimeSpan span) => _time.GetUtcNow() + span;

    [Fact]
    public async Task RunInline_WhenASlotIsFree_RunsOnTheCallersThreadAndCountsIt()
    {
        var controller = Create(workers: 2, queueLimit: 4);
        int? ranOn = null;
        var item = new GatedWorkItem(In(TimeSpan.FromHours(1)), whileRunning: () => ranOn = Environment.CurrentManagedThreadId);

        Assert.True(controller.TryRunInline(item));

        Assert.Equal(Environment.CurrentManagedThreadId, ranOn);
        Assert.Equal("executed", await item.Outcome.Task.WaitAsync(Bound));
        Assert.Equal(new AdmissionLoad(0, 0, 2, 4, 1, 0, 0), controller.Load);
    }

    [Fact]
    public async Task RunInline_WhenEverySlotIsBusy_LeavesTheItemToTheQueue()
    {
        var controller = Create(workers: 1, queueLimit: 4);
        var blocker = new GatedWorkItem(In(TimeSpan.FromHours(1)), _gate);
        Assert.True(controller.TryEnqueue(blocker).IsAccepted);
        await blocker.Started.Task.WaitAsync(Bound);
        var item = new GatedWorkItem(In(TimeSpan.FromHours(1)));

        Assert.False(controller.TryRunInline(item));

        Assert.False(item.Started.Task.IsCompleted);
        Assert.True(controller.TryEnqueue(item).IsAccepted);
        _gate.Set();
        Assert.Equal("executed", await item.Outcome.Task.WaitAsync(Bound));
    }

    [Fact]
    public async Task Worker_WaitsForTheSlotAnInlineCallerHolds()
    {
        var controller = Create(workers: 1, queueLimit: 4);
        var inline = new GatedWorkItem(In(TimeSpan.FromHours(1)), _gate);
        var inlineRan = Task.Factory.StartNew(() => controller.TryRunInline(inline), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await inline.Started.Task.WaitAsync(Bound);

        var queued = new GatedWorkItem(In(TimeSpan.FromHours(1)));
        Assert.True(controller.TryEnqueue(queued).IsAccepted);

        // The idle worker wakes for the queued item but finds the only slot taken: the item stays
        // queued and does not run beside the inline one.
        Assert.Equal(1, controller.Load.InFlight);
        Assert.Equal(1, controller.Load.Queued);
        Assert.False(queued.Started.Task.IsCompleted);
        _gate.Set();
        Assert.True(await inlineRan.WaitAsync(Bound));
        Assert.Equal("executed", await queued.Outcome.Task.WaitAsync(Bound));
        Assert.Equal("executed", await inline.Outcome.Task.WaitAsync(Bound));
    }

    [Fact]
    public void RunInline_AfterTheDeadline_LeavesTheRefusalToEnqueue()
    {
        var controller = Create(workers: 1, queueLimit: 4);
        var late = new GatedWorkItem(In(TimeSpan.FromMilliseconds(-1)));

        Assert.False(controller.TryRunInline(late));
        Assert.Equal(AdmissionDecision.DeadlinePassed, controller.TryEnqueue(late).Decision);
    }

    [Fact]
    public void RunInline_WhenStopping_LeavesTheRefusalToEnqueue()
    {
        var controller = Create(workers: 1, queueLimit: 4);
        controller.Dispose();
        var item = new GatedWorkItem(In(TimeSpan.FromHours(1)));

        Assert.False(controller.TryRunInline(item));
        Assert.Equal(AdmissionDecision.ShuttingDown, controller.TryEnqueue(item).Decision);
    }

    [Fact]
    public async Task InlineCallersAndWorkers_TogetherNeverRunMoreThanTheLimit()
    {
        const int Workers = 2;
        const int PerCaller = 2_000;
        var controller = Create(workers: Workers, queueLimit: 10_000);
        var running = 0;
        var mostAtOnce = 0;
        void Track()
        {
            var now = Interlocked.Increment(ref running);
            int seen;
            while ((seen = Volatile.Read(ref mostAtOnce)) < now && Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen)
            {
            }

            Thread.SpinWait(200);
            Interlocked.Decrement(ref running);
        }

        var counter = new WorkCounter();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () =>
            {
                var items = new List<GatedWorkItem>();
                for (var i = 0; i < PerCaller; i++)
                {
                    var item = new GatedWorkItem(In(TimeSpan.FromHours(1)), whileRunning: Track, counter: counter);
                    Assert.True(controller.TryRunInline(item) || controller.TryEnqueue(item).IsAccepted);
                    items.Add(item);
                }

                return items;
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();

        foreach (var caller in callers)
        {
            foreach (var item in await caller.WaitAsync(Bound))
            {
                Assert.Equal("executed", await item.Outcome.Task.WaitAsync(Bound));
            }
        }

        Assert.Equal(4 * PerCaller, counter.Count);
        Assert.InRange(mostAtOnce, 1, Workers);
        Assert.Equal(0, controller.Load.InFlight);
        Assert.Equal(0, controller.Load.Queued);
    }

    public void Dispose()
    {
        _gate.Set();
        _controller?.Dispose();
        _gate.Dispose();
    }
}
