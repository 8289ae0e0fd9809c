using System.Collections.Concurrent;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Admission;

/// <summary>
/// Bounded concurrency (dedicated worker threads: private-key operations are CPU-bound) and a
/// bounded queue. A request is rejected at once when the queue is full or when, given the work
/// ahead of it, it cannot start before its deadline; one still queued at its deadline is expired
/// without doing the work. No lock is taken on any path.
/// </summary>
internal sealed class AdmissionController : IDisposable
{
    private readonly ConcurrentQueue<AdmissionWorkItem> _queue = new();
    private readonly SemaphoreSlim _available = new(0);

    // Signalled when a slot frees while items wait: a worker that found every slot held by
    // callers running short work inline (TryRunInline) waits on it rather than run beside them.
    private readonly SemaphoreSlim _slotFreed = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CapacitySignal _capacityFreed = new();
    private readonly Thread[] _workers;
    private readonly int _queueLimit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _queued;
    private int _inFlight;
    private long _completed;
    private long _rejectedOverloaded;
    private long _expired;

    public AdmissionController(int workers, int queueLimit, TimeProvider time, ILogger<AdmissionController> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueLimit, 1);
        _queueLimit = queueLimit;
        _time = time;
        _logger = logger;
        _workers = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"keyserver-worker-{i}" };
            _workers[i].Start();
        }
    }

    /// <summary>Per-algorithm service time estimates used to predict start times.</summary>
    public ServiceTimeEstimator ServiceTimes { get; } = new();

    /// <summary>Raised on the worker thread with each executed item's queue wait (for metrics).</summary>
    public Action<AdmissionWorkItem, TimeSpan>? QueueWaitObserved { get; set; }

    public AdmissionLoad Load => new(
        Volatile.Read(ref _inFlight), Math.Max(0, Volatile.Read(ref _queued)), _workers.Length, _queueLimit,
        Interlocked.Read(ref _completed), Interlocked.Read(ref _rejectedOverloaded), Interlocked.Read(ref _expired));

    /// <summary>Queues <paramref name="item"/> or says at once why it cannot be.</summary>
    public AdmissionResult TryEnqueue(AdmissionWorkItem item)
    {
        if (_stopping.IsCancellationRequested)
        {
            return new AdmissionResult(AdmissionDecision.ShuttingDown, "the keyserver is shutting down");
        }

        var now = _time.GetUtcNow();
        if (item.Deadline <= now)
        {
            return new AdmissionResult(AdmissionDecision.DeadlinePassed, "the deadline had passed when the request arrived");
        }

        var ahead = Interlocked.Increment(ref _queued) - 1;
        if (ahead >= _queueLimit)
        {
            WithdrawQueueSlot();
            Interlocked.Increment(ref _rejectedOverloaded);
            return new AdmissionResult(AdmissionDecision.QueueFull, $"queue full: {ahead} requests are waiting (limit {_queueLimit})");
        }

        var wait = PredictWait(item, ahead);
        if (now + wait > item.Deadline)
        {
            WithdrawQueueSlot();
            Interlocked.Increment(ref _rejectedOverloaded);
            return new AdmissionResult(
                AdmissionDecision.CannotStartBeforeDeadline,
                $"cannot start before deadline: predicted start in {wait.TotalMilliseconds:F1} ms, deadline in {(item.Deadline - now).TotalMilliseconds:F1} ms");
        }

        item.EnqueuedTimestamp = _time.GetTimestamp();
        _queue.Enqueue(item);
        if (_stopping.IsCancellationRequested && item.TryClaim())
        {
            // Dispose may already have stopped the workers and drained the queue: nothing
            // would run or answer this item, so the caller is told now.
            return new AdmissionResult(AdmissionDecision.ShuttingDown, "the keyserver is shutting down");
        }

        _available.Release();
        return AdmissionResult.Accepted;
    }

    /// <summary>
    /// Completes when a worker next finishes a request, or at once when nothing is queued or
    /// running. A reader of a request stream waits on this after an OVERLOADED answer, so a
    /// client that floods one stream meets transport backpressure instead of being read, and
    /// rejected, as fast as it can write.
    /// </summary>
    /// <summary>
    /// Runs <paramref name="item"/> on the calling thread, at once, when a slot is free and nothing
    /// waits in the queue (queued work goes first): the caller then has its outcome when this
    /// returns true, counted like a worker's. False leaves the item untouched: the caller enqueues it
    /// (<see cref="TryEnqueue"/>), which also gives the refusal when the keyserver is stopping or the
    /// deadline passed. Only for short operations on threads that may run them (an event loop);
    /// the slot it holds is one of the concurrency limit's, so workers and inline callers together
    /// never run more operations at once than the limit.
    /// </summary>
    public bool TryRunInline(AdmissionWorkItem item)
    {
        if (_stopping.IsCancellationRequested || Volatile.Read(ref _queued) > 0 || item.Deadline <= _time.GetUtcNow() || !TryClaimSlot())
        {
            return false;
        }

        if (!item.TryClaim())
        {
            ReleaseSlot();
            return false;
        }

        item.EnqueuedTimestamp = _time.GetTimestamp();
        try
        {
            Run(item);
        }
        finally
        {
            ReleaseSlot();
        }

        item.Publish();
        return true;
    }

    public Task WhenCapacityFreesAsync(CancellationToken cancellationToken)
    {
        var pulse = _capacityFreed.NextPulse();

        // Checked after taking the task, so a worker that finished in between has either
        // pulsed it or left the controller idle (or stopped), and then nobody else would.
        if (_stopping.IsCancellationRequested)
        {
            _capacityFreed.Pulse();
        }

        PulseIfIdle();
        return pulse.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var worker in _workers)
        {
            worker.Join(TimeSpan.FromSeconds(5));
        }

        // Whatever is still queued will not run: answer it as expired rather than leave callers waiting.
        while (_queue.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _queued);
            if (item.TryClaim())
            {
                item.Expire(TimeSpan.Zero);
                item.Publish();
            }
        }

        _capacityFreed.Pulse();
    }

    /// <summary>
    /// Gives back a queue slot reserved by a request that was then rejected. A stream waiting
    /// for capacity may have seen that reservation as queued work and be waiting for a worker
    /// to finish it; if nothing else is queued or running, no worker ever will, so wake it.
    /// </summary>
    private void WithdrawQueueSlot()
    {
        Interlocked.Decrement(ref _queued);
        PulseIfIdle();
    }

    private void PulseIfIdle()
    {
        if (Volatile.Read(ref _inFlight) == 0 && Volatile.Read(ref _queued) <= 0)
        {
            _capacityFreed.Pulse();
        }
    }

    /// <summary>
    /// Zero while a worker is idle; otherwise the requests ahead plus the one running on each
    /// worker, times this algorithm's service time, shared across the workers.
    /// </summary>
    private TimeSpan PredictWait(AdmissionWorkItem item, int ahead)
    {
        if (Volatile.Read(ref _inFlight) + ahead < _workers.Length)
        {
            return TimeSpan.Zero;
        }

        return ServiceTimes.Estimate(item.Algorithm) * (ahead + 1) / _workers.Length;
    }

    private void Work()
    {
        var stopping = _stopping.Token;
        while (true)
        {
            try
            {
                _available.Wait(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // The slot is claimed before the item leaves the queue, so the item counts as queued
            // until it runs and a caller finishing inline work sees that a worker waits for its slot.
            if (!WaitForSlot(stopping))
            {
                return;
            }

            if (!_queue.TryDequeue(out var item))
            {
                ReleaseSlot();
                continue;
            }

            // Counted as running before it stops counting as queued, so a waiter never sees
            // an idle controller while a worker holds an item.
            Interlocked.Decrement(ref _queued);
            if (!item.TryClaim())
            {
                ReleaseSlot();
                continue;
            }

            try
            {
                Run(item);
            }
            catch (Exception e)
            {
                KeyServerLog.AdmissionWorkerFailed(_logger, e);
            }
            finally
            {
                ReleaseSlot();
            }

            // Only now does the caller see its outcome, so GetCapacity read right after a
            // response already counts it and no longer shows it in flight.
            try
            {
                item.Publish();
            }
            catch (Exception e)
            {
                KeyServerLog.AdmissionWorkerFailed(_logger, e);
            }
        }
    }

    private bool TryClaimSlot()
    {
        var running = Volatile.Read(ref _inFlight);
        while (running < _workers.Length)
        {
            var seen = Interlocked.CompareExchange(ref _inFlight, running + 1, running);
            if (seen == running)
            {
                return true;
            }

            running = seen;
        }

        return false;
    }

    // False when the controller stops. Only waits while inline callers hold slots: the workers
    // alone are as many as the slots.
    private bool WaitForSlot(CancellationToken stopping)
    {
        while (!TryClaimSlot())
        {
            try
            {
                _slotFreed.Wait(stopping);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    private void ReleaseSlot()
    {
        Interlocked.Decrement(ref _inFlight);

        // A spare count only makes a waiting worker look again; at most one is kept.
        if (Volatile.Read(ref _queued) > 0 && _slotFreed.CurrentCount == 0)
        {
            _slotFreed.Release();
        }

        _capacityFreed.Pulse();
    }

    private void Run(AdmissionWorkItem item)
    {
        var queueWait = _time.GetElapsedTime(item.EnqueuedTimestamp);
        if (_time.GetUtcNow() > item.Deadline)
        {
            Interlocked.Increment(ref _expired);
            item.Expire(queueWait);
            return;
        }

        QueueWaitObserved?.Invoke(item, queueWait);
        var started = _time.GetTimestamp();
        item.Execute(queueWait);
        ServiceTimes.Observe(item.Algorithm, _time.GetElapsedTime(started));
        Interlocked.Increment(ref _completed);
    }
}
