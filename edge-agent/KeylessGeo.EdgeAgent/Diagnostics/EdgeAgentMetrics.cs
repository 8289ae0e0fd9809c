using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Routing;
using KeylessGeo.EdgeAgent.Upstreams;

namespace KeylessGeo.EdgeAgent.Diagnostics;

/// <summary>The agent's instruments (<see cref="EdgeAgentInstruments"/>).</summary>
internal sealed class EdgeAgentMetrics
{
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _localBypassed;
    private readonly Counter<long> _breakerTransitions;

    public EdgeAgentMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(EdgeAgentInstruments.MeterName);
        _requests = _meter.CreateCounter<long>(EdgeAgentInstruments.Requests, "{request}", "Requests answered, by operation, path and result.");
        _duration = _meter.CreateHistogram<double>(
            EdgeAgentInstruments.RequestDuration, "s", "Time from a request's arrival to its answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _attempts = _meter.CreateCounter<long>(EdgeAgentInstruments.Attempts, "{attempt}", "Attempts sent to keyservers, by upstream, path and outcome.");
        _retries = _meter.CreateCounter<long>(EdgeAgentInstruments.Retries, "{retry}", "Retries to another keyserver of the datacenter.");
        _localBypassed = _meter.CreateCounter<long>(EdgeAgentInstruments.LocalBypassed, "{request}", "Requests that did not take the node-local path, by reason.");
        _breakerTransitions = _meter.CreateCounter<long>(EdgeAgentInstruments.BreakerTransitions, "{transition}", "Circuit-breaker transitions per upstream.");
    }

    public void Completed(Operation operation, RoutePath path, SignResponse response, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { EdgeAgentInstruments.OperationTag, WireNames.TagOf(operation) },
            { EdgeAgentInstruments.PathTag, PathName(path) },
            { EdgeAgentInstruments.ResultTag, response.Error is { } error ? WireNames.Of(error.Code) : "OK" },
        };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public void Attempted(Upstream upstream, string outcome) => _attempts.Add(
        1,
        new KeyValuePair<string, object?>(EdgeAgentInstruments.UpstreamTag, upstream.Id),
        new KeyValuePair<string, object?>(EdgeAgentInstruments.PathTag, upstream.Identity.IsLocal ? "local" : "datacenter"),
        new KeyValuePair<string, object?>(EdgeAgentInstruments.OutcomeTag, outcome));

    public void Retried() => _retries.Add(1);

    public void LocalBypassed(string reason) => _localBypassed.Add(1, new KeyValuePair<string, object?>(EdgeAgentInstruments.ReasonTag, reason));

    public void BreakerChanged(UpstreamIdentity upstream, bool opened) => _breakerTransitions.Add(
        1,
        new KeyValuePair<string, object?>(EdgeAgentInstruments.UpstreamTag, upstream.Id),
        new KeyValuePair<string, object?>(EdgeAgentInstruments.BreakerStateTag, opened ? "open" : "closed"));

    /// <summary>Registers the per-upstream gauges, read from the pool at each collection.</summary>
    public void Observe(UpstreamPool pool)
    {
        _meter.CreateObservableGauge(EdgeAgentInstruments.InFlight, () => Each(pool, u => u.Outstanding), "{request}", "Requests in flight per upstream.");
        _meter.CreateObservableGauge(EdgeAgentInstruments.BreakerOpen, () => Each(pool, u => u.BreakerOpen ? 1 : 0), "1", "1 while an upstream's circuit breaker is open.");
        _meter.CreateObservableGauge(EdgeAgentInstruments.Weight, () => Each(pool, u => u.Weight), "1", "An upstream's weight (advertised capacity).");
    }

    private static IEnumerable<Measurement<T>> Each<T>(UpstreamPool pool, Func<Upstream, T> value)
        where T : struct
    {
        var set = pool.Current;
        var all = set.Local is null ? set.Datacenter : [set.Local, .. set.Datacenter];
        foreach (var upstream in all)
        {
            yield return new Measurement<T>(
                value(upstream),
                new KeyValuePair<string, object?>(EdgeAgentInstruments.UpstreamTag, upstream.Id),
                new KeyValuePair<string, object?>(EdgeAgentInstruments.PathTag, upstream.Identity.IsLocal ? "local" : "datacenter"));
        }
    }

    private static string PathName(RoutePath path) => path switch
    {
        RoutePath.Local => "local",
        RoutePath.Datacenter => "datacenter",
        _ => "none",
    };
}
