using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.EdgeAgent.Tests.Infrastructure;

/// <summary>
/// Sums the long counters of one meter, by instrument and tags, from the hosts whose services are
/// given (each host's meters belong to its own <see cref="IMeterFactory"/>), so tests running in
/// parallel in one process do not see each other's measurements. Observable counters (the
/// keyserver's per-request counters report cumulative totals when collected) count what they
/// gained since this object was made.
/// </summary>
public sealed class MetricTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Tags), (long Value, KeyValuePair<string, object?>[] Tags)> _observed = new();
    private readonly Dictionary<(Instrument Instrument, string Tags), long> _baseline;

    public MetricTotals(string meterName, params IServiceProvider[] hosts)
    {
        var scopes = hosts.Select(h => (object)h.GetRequiredService<IMeterFactory>()).ToHashSet();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Meter.Scope is { } scope && scopes.Contains(scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = tags.ToArray();
            if (instrument.IsObservable)
            {
                _observed[(instrument, string.Join(",", copy.Select(t => $"{t.Key}={t.Value}")))] = (value, copy);
            }
            else
            {
                _measurements.Enqueue((instrument.Name, value, copy));
            }
        });
        _listener.Start();
        _listener.RecordObservableInstruments();
        _baseline = _observed.ToDictionary(o => o.Key, o => o.Value.Value);
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements carrying every tag in <paramref name="tags"/>.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags)
    {
        _listener.RecordObservableInstruments();
        var pushed = _measurements
            .Where(m => m.Instrument == instrument && Matches(m.Tags, tags))
            .Sum(m => m.Value);
        var observed = _observed
            .Where(o => o.Key.Instrument.Name == instrument && Matches(o.Value.Tags, tags))
            .Sum(o => o.Value.Value - _baseline.GetValueOrDefault(o.Key));
        return pushed + observed;
    }

    public void Dispose() => _listener.Dispose();

    private static bool Matches(KeyValuePair<string, object?>[] measured, (string Key, string Value)[] wanted) =>
        wanted.All(t => measured.Any(k => k.Key == t.Key && Equals(k.Value?.ToString(), t.Value)));
}
