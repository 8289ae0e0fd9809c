using System.Diagnostics.Metrics;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Connections;

/// <summary>Records the <c>long</c> measurements of one keyserver's meter (its own <see cref="IMeterFactory"/> scope) by instrument and tags.</summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, string?> Tags)> _measurements = [];

    public MeterRecorder(IServiceProvider services)
    {
        var scope = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == scope && instrument.Meter.Name == KeyServerInstruments.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, copy));
            }
        });
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements whose tags include every one of <paramref name="tags"/>.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags)
    {
        lock (_measurements)
        {
            return _measurements
                .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value))
                .Sum(m => m.Value);
        }
    }

    /// <summary>The largest value observable gauges reported for <paramref name="instrument"/> (polled now).</summary>
    public long PollMax(string instrument)
    {
        _listener.RecordObservableInstruments();
        lock (_measurements)
        {
            return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value).DefaultIfEmpty(0).Max();
        }
    }

    public void Dispose() => _listener.Dispose();
}
