using System.Diagnostics.Metrics;
using KeylessGeo.KeyServer.Diagnostics;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Cluster instruments on the keyserver's meter: managed keys by state, applied revision and
/// last feed update (observed from <see cref="ClusterState"/>), revisions applied by delta or snapshot,
/// store failures and evictions.
/// </summary>
internal sealed class ClusterMetrics
{
    private readonly Counter<long> _storeFailures;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _feedApplied;

    public ClusterMetrics(IMeterFactory meterFactory, ClusterState state)
    {
        var meter = meterFactory.Create(KeyServerInstruments.MeterName);
        meter.CreateObservableGauge(
            KeyServerInstruments.ManagedKeys,
            () =>
            {
                var counts = state.Counts;
                return new[]
                {
                    new Measurement<int>(counts.Servable, new KeyValuePair<string, object?>(KeyServerInstruments.KeyStateTag, "servable")),
                    new Measurement<int>(counts.Denied, new KeyValuePair<string, object?>(KeyServerInstruments.KeyStateTag, "denied")),
                    new Measurement<int>(counts.Unavailable, new KeyValuePair<string, object?>(KeyServerInstruments.KeyStateTag, "unavailable")),
                };
            },
            "{key}",
            "Managed keys in this datacenter by state.");
        meter.CreateObservableGauge(KeyServerInstruments.AppliedRevision, () => state.AppliedRevision, "{revision}", "The control-plane store revision in force.");
        meter.CreateObservableGauge(
            KeyServerInstruments.FeedLastUpdate,
            () => state.LastUpdate is { } at ? [new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0)] : Array.Empty<Measurement<double>>(),
            "s",
            "When the change feed last read the store (Unix time).");
        _storeFailures = meter.CreateCounter<long>(KeyServerInstruments.StoreFailures, "{failure}", "Failed control-plane store calls.");
        _feedApplied = meter.CreateCounter<long>(KeyServerInstruments.FeedApplied, "{revision}", "Revisions the change feed applied, as a delta or from a whole snapshot.");
        _evictions = meter.CreateCounter<long>(KeyServerInstruments.ManagedKeyEvictions, "{key}", "Loaded managed private keys dropped by a control-plane change.");
    }

    public void StoreFailed(string operation) =>
        _storeFailures.Add(1, new KeyValuePair<string, object?>(KeyServerInstruments.ClusterOperationTag, operation));

    public void Evicted(int count) => _evictions.Add(count);

    /// <summary>Counts an applied revision: <paramref name="delta"/> when only the changed records were read.</summary>
    public void FeedApplied(bool delta) =>
        _feedApplied.Add(1, new KeyValuePair<string, object?>(KeyServerInstruments.FeedModeTag, delta ? "delta" : "snapshot"));
}
