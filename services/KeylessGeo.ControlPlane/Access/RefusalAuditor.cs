using KeylessGeo.ControlPlane.Audit;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// Writes refused requests to the hash-chained audit log without letting a flood of them grow the
/// store: refusals are aggregated per (identity, method, path, reason) with a count and first/last
/// times, and written as one <c>access.refused</c> entry — the first refusal after a quiet interval
/// at once, later ones at most once per <see cref="AccessOptions.RefusalAuditInterval"/>, with at
/// most <see cref="AccessOptions.RefusalAuditMaxRows"/> rows (others are only counted). The first
/// refusal of each row in an entry is also logged.
/// </summary>
internal sealed class RefusalAuditor : IHostedService, IDisposable
{
    /// <summary>The audit actor of refusal entries: the control plane reports what it refused.</summary>
    public const string Actor = "control-plane";

    private readonly Lock _gate = new();
    private readonly AuditService _audit;
    private readonly TimeProvider _time;
    private readonly ILogger<RefusalAuditor> _logger;
    private readonly TimeSpan _interval;
    private readonly int _maxRows;
    private Dictionary<Refusal, Row> _rows = [];
    private long _omitted;
    private DateTimeOffset? _lastFlush;
    private ITimer? _timer;
    private bool _flushing;
    private bool _stopped;
    private Task _flush = Task.CompletedTask;

    public RefusalAuditor(ControlPlaneServices services, AccessOptions options, TimeProvider time, ILogger<RefusalAuditor> logger)
    {
        _audit = services.Audit;
        _time = time;
        _logger = logger;
        _interval = options.RefusalAuditInterval;
        _maxRows = options.RefusalAuditMaxRows;
    }

    /// <summary>Counts a refusal; never blocks on the store.</summary>
    public void Record(Refusal refusal)
    {
        var first = false;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_rows.TryGetValue(refusal, out var row))
            {
                row.Count++;
                row.Last = now;
            }
            else if (_rows.Count < _maxRows)
            {
                _rows[refusal] = new Row(now);
                first = true;
            }
            else
            {
                _omitted++;
            }

            ScheduleLocked(now);
        }

        if (first)
        {
            AccessLog.Refused(_logger, refusal.Method, refusal.Path, refusal.Identity, refusal.Status, refusal.Reason);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes what is still pending (refusals seen just before shutdown are not lost).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task running;
        lock (_gate)
        {
            _stopped = true;
            _timer?.Dispose();
            _timer = null;
            running = _flush;
        }

        await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        var (rows, omitted) = TakePending();
        await WriteAsync(rows, omitted, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void ScheduleLocked(DateTimeOffset now)
    {
        if (_stopped || _flushing || _timer is not null)
        {
            return; // the running or scheduled flush picks this refusal up
        }

        var due = _lastFlush is { } last ? last + _interval - now : TimeSpan.Zero;
        _timer = _time.CreateTimer(static state => ((RefusalAuditor)state!).OnDue(), this, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private void OnDue()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            if (_stopped)
            {
                return;
            }

            _flushing = true;
            _flush = FlushAsync();
        }
    }

    private async Task FlushAsync()
    {
        await Task.Yield(); // off the timer callback and out of the lock
        try
        {
            var (rows, omitted) = TakePending();
            await WriteAsync(rows, omitted, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _flushing = false;
                _lastFlush = _time.GetUtcNow();
                if (_rows.Count > 0 || _omitted > 0)
                {
                    ScheduleLocked(_lastFlush.Value);
                }
            }
        }
    }

    private (Dictionary<Refusal, Row> Rows, long Omitted) TakePending()
    {
        lock (_gate)
        {
            var taken = (_rows, _omitted);
            _rows = [];
            _omitted = 0;
            return taken;
        }
    }

    private async Task WriteAsync(Dictionary<Refusal, Row> rows, long omitted, CancellationToken cancellationToken)
    {
        if (rows.Count == 0 && omitted == 0)
        {
            return;
        }

        var total = omitted + rows.Values.Sum(r => r.Count);
        var details = new AuditDetails()
            .Add("omitted", omitted)
            .Add("refusals", rows.Select(r => new AuditDetails()
                .Add("identity", r.Key.Identity)
                .Add("method", r.Key.Method)
                .Add("path", r.Key.Path)
                .Add("reason", r.Key.Reason)
                .Add("status", r.Key.Status)
                .Add("count", r.Value.Count)
                .Add("firstAt", r.Value.First)
                .Add("lastAt", r.Value.Last)).ToList());
        try
        {
            var revision = await _audit.RecordAsync(
                new AuditDraft(Actor, AuditActions.AccessRefused, AuditActions.AccessSubject, details.ToJson()),
                cancellationToken).ConfigureAwait(false);
            AccessLog.Audited(_logger, total, revision, omitted);
        }
        catch (Exception ex) when (ex is ControlPlaneException or OperationCanceledException)
        {
            AccessLog.AuditFailed(_logger, total, ex.Message);
        }
    }

    private sealed class Row(DateTimeOffset first)
    {
        public long Count { get; set; } = 1;

        public DateTimeOffset First { get; } = first;

        public DateTimeOffset Last { get; set; } = first;
    }
}
