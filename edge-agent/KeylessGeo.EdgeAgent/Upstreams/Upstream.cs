using KeylessGeo.Contracts.V1;
using Polly;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>
/// One keyserver as the agent sees it: a few HTTP/2 connections each carrying a
/// <c>SignStream</c>, a bound on requests in flight, its weight (advertised capacity), whether
/// the cluster says it serves, and its circuit breaker (around the per-attempt timeout). Retired
/// when it leaves the datacenter's list; its connections close when its last request ends.
/// </summary>
internal sealed class Upstream
{
    private readonly SignStreamConnection[] _connections;
    private readonly int _maxInFlight;
    private readonly TimeProvider _time;
    private int _outstanding;
    private int _retired;
    private int _disposed;
    private long _brokenUntil;
    private double _weight;

    public Upstream(UpstreamIdentity identity, SignStreamConnection[] connections, int maxInFlight, double weight, TimeProvider time)
    {
        Identity = identity;
        _connections = connections;
        _maxInFlight = maxInFlight;
        _weight = weight;
        _time = time;
    }

    public UpstreamIdentity Identity { get; }

    public string Id => Identity.Id;

    /// <summary>The breaker around the per-attempt timeout, around one send (set once by the factory).</summary>
    public ResiliencePipeline<SignResponse> Pipeline { get; set; } = ResiliencePipeline<SignResponse>.Empty;

    /// <summary>Advertised capacity relative to the others.</summary>
    public double Weight
    {
        get => Volatile.Read(ref _weight);
        set => Volatile.Write(ref _weight, value);
    }

    /// <summary>False when the cluster reports it not serving (lease expired, draining).</summary>
    public bool Serving { get; set; } = true;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public int MaxInFlight => _maxInFlight;

    public bool Saturated => Outstanding >= _maxInFlight;

    /// <summary>True while its breaker is open (until the break ends and a trial is allowed).</summary>
    public bool BreakerOpen => _time.GetTimestamp() < Volatile.Read(ref _brokenUntil);

    /// <summary>Serving, breaker not open, not retired.</summary>
    public bool Available => Serving && !BreakerOpen && Volatile.Read(ref _retired) == 0;

    /// <summary>Takes one in-flight slot; false at the bound.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _outstanding);
            if (current >= _maxInFlight || Volatile.Read(ref _disposed) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _outstanding, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Returns a slot; a retired upstream closes its connections with the last one.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _outstanding) == 0 && Volatile.Read(ref _retired) != 0)
        {
            DisposeConnections();
        }
    }

    /// <summary>Sends on the connection with the fewest requests waiting.</summary>
    public Task<SignResponse> SendAsync(SignRequest request, CancellationToken cancellationToken)
    {
        var best = _connections[0];
        for (var i = 1; i < _connections.Length; i++)
        {
            if (_connections[i].Pending < best.Pending)
            {
                best = _connections[i];
            }
        }

        return best.SendAsync(request, cancellationToken);
    }

    /// <summary>Opens every connection ahead of the first request.</summary>
    public void Warm()
    {
        foreach (var connection in _connections)
        {
            connection.Open();
        }
    }

    /// <summary>Called by the breaker when it opens.</summary>
    public void OnBreakerOpened(TimeSpan breakDuration) =>
        Volatile.Write(ref _brokenUntil, _time.GetTimestamp() + (long)(breakDuration.TotalSeconds * _time.TimestampFrequency));

    /// <summary>Called by the breaker when it closes.</summary>
    public void OnBreakerClosed() => Volatile.Write(ref _brokenUntil, 0);

    /// <summary>Leaves selection; connections close once nothing is in flight.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0 && Outstanding == 0)
        {
            DisposeConnections();
        }
    }

    private void DisposeConnections()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}
