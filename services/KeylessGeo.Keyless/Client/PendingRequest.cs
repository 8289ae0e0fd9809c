using System.Threading.Tasks.Sources;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// One request awaiting its answer: a pooled <see cref="IValueTaskSource{TResult}"/> (no
/// allocation per request in steady state) with a reusable deadline timer.
/// </summary>
/// <remarks>
/// Four parties may complete it: the reader (response), the timer (deadline), the caller's
/// token, and a failing connection. <see cref="TryComplete"/> lets exactly one win: the state
/// word holds a generation and a completed bit, so a party acting for a previous use of a
/// recycled instance (a stale timer tick, a late response) loses the compare-exchange. The
/// timer and the cancellation registration act only while <see cref="Arm"/> is in force, under
/// <c>_gate</c>, which is never held across an await.
/// </remarks>
internal sealed class PendingRequest : IValueTaskSource<KeylessResult>
{
    private static readonly TimerCallback TimerFired = static state => ((PendingRequest)state!).OnTimer();
    private static readonly Action<object?, CancellationToken> Canceled = static (state, token) => ((PendingRequest)state!).OnCanceled(token);
    private static readonly TimeSpan LongestTimer = TimeSpan.FromHours(1);

    private readonly object _gate = new();
    private readonly PendingRequestPool _pool;
    private readonly TimeProvider _time;
    private ManualResetValueTaskSourceCore<KeylessResult> _core = new() { RunContinuationsAsynchronously = true };
    private ITimer? _timer;
    private CancellationTokenRegistration _registration;
    private CancellationToken _token;
    private KeylessConnection? _connection;
    private long _deadline;
    private uint _id;
    private int _state;
    private bool _armed;

    public PendingRequest(PendingRequestPool pool, TimeProvider time)
    {
        _pool = pool;
        _time = time;
    }

    /// <summary>The token for the <see cref="ValueTask{TResult}"/> of the current use.</summary>
    public short Version => _core.Version;

    /// <summary>Starts a new use (a new generation) with its deadline (a <see cref="TimeProvider"/> timestamp).</summary>
    public void Prepare(long deadline, CancellationToken token)
    {
        lock (_gate)
        {
            _armed = false;
            _deadline = deadline;
            _token = token;
            Volatile.Write(ref _state, unchecked(((_state >> 1) + 1) << 1));
        }
    }

    /// <summary>Records where the request was queued; returns the generation to store with it (called under the table's lock).</summary>
    public int Attach(KeylessConnection connection, uint id)
    {
        _connection = connection;
        _id = id;
        return Volatile.Read(ref _state) >> 1;
    }

    /// <summary>Starts the deadline timer and the cancellation registration, once the request is queued.</summary>
    public void Arm()
    {
        lock (_gate)
        {
            if ((_state & 1) != 0)
            {
                return;
            }

            _armed = true;
            _timer ??= _time.CreateTimer(TimerFired, this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(Remaining(_time.GetTimestamp()), Timeout.InfiniteTimeSpan);
            if (_token.CanBeCanceled)
            {
                // Runs OnCanceled inline when the token is already canceled (Monitor is reentrant).
                _registration = _token.UnsafeRegister(Canceled, this);
            }
        }
    }

    /// <summary>
    /// Completes the use of <paramref name="generation"/> once; false when another party already
    /// did. <paramref name="taken"/>: the caller already removed the request from its table.
    /// </summary>
    public bool TryComplete(int generation, in KeylessResult result, Exception? error = null, bool taken = false)
    {
        var pending = unchecked(generation << 1);
        if (Interlocked.CompareExchange(ref _state, pending | 1, pending) != pending)
        {
            return false;
        }

        CancellationTokenRegistration registration;
        lock (_gate)
        {
            _armed = false;
            registration = _registration;
            _registration = default;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        registration.Unregister();
        if (!taken)
        {
            _connection?.Forget(_id, this, generation);
        }

        if (error is null)
        {
            _core.SetResult(result);
        }
        else
        {
            _core.SetException(error);
        }

        return true;
    }

    /// <inheritdoc />
    public KeylessResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _connection = null;
            _token = default;
            _pool.Return(this);
        }
    }

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    /// <summary>Releases the timer of an instance the pool drops.</summary>
    public void DisposeTimer() => _timer?.Dispose();

    private TimeSpan Remaining(long now)
    {
        var remaining = now >= _deadline ? TimeSpan.Zero : _time.GetElapsedTime(now, _deadline);
        return remaining > LongestTimer ? LongestTimer : remaining;
    }

    private void OnTimer()
    {
        int generation;
        lock (_gate)
        {
            if (!_armed || (_state & 1) != 0)
            {
                return;
            }

            // A tick may come early (timer resolution) or belong to a previous use: re-arm for the rest.
            var now = _time.GetTimestamp();
            if (now < _deadline)
            {
                _timer!.Change(Remaining(now), Timeout.InfiniteTimeSpan);
                return;
            }

            generation = _state >> 1;
        }

        TryComplete(generation, KeylessResult.Failure(ErrorCode.DeadlineExceeded, "The request's deadline passed before the key server answered.", true));
    }

    private void OnCanceled(CancellationToken token)
    {
        int generation;
        lock (_gate)
        {
            if (!_armed || (_state & 1) != 0 || _token != token)
            {
                return;
            }

            generation = _state >> 1;
        }

        TryComplete(generation, default, new OperationCanceledException(token));
    }
}
