using System.Diagnostics.Metrics;

namespace KeylessGeo.Serving.Diagnostics;

/// <summary>
/// A monotonic counter for the request path whose tag combinations are few and known in advance:
/// each combination has a slot, counting is one interlocked add, and an observable counter reports
/// every slot's total when metrics are collected. <c>Counter.Add</c> with tags
/// looks the tag combination up on every call, which profiling showed among the largest managed
/// costs per signature (docs/BENCHMARKS.md); exporters see the same instrument either way.
/// </summary>
public sealed class SlottedCounter
{
    private readonly long[] _counts;
    private readonly KeyValuePair<string, object?>[][] _tags;

    /// <param name="meter">The meter to create the observable counter on.</param>
    /// <param name="name">The instrument's name.</param>
    /// <param name="unit">The instrument's unit.</param>
    /// <param name="description">The instrument's description.</param>
    /// <param name="tagsOfSlot">The tags of each slot, by slot number; its length is the number of slots.</param>
    public SlottedCounter(Meter meter, string name, string unit, string description, KeyValuePair<string, object?>[][] tagsOfSlot)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(tagsOfSlot);
        _tags = tagsOfSlot;
        _counts = new long[tagsOfSlot.Length];
        meter.CreateObservableCounter(name, Observe, unit, description);
    }

    /// <summary>Counts one in <paramref name="slot"/>.</summary>
    public void Increment(int slot) => Interlocked.Increment(ref _counts[slot]);

    /// <summary>The total counted in <paramref name="slot"/> so far.</summary>
    public long Total(int slot) => Volatile.Read(ref _counts[slot]);

    private IEnumerable<Measurement<long>> Observe()
    {
        for (var slot = 0; slot < _counts.Length; slot++)
        {
            var count = Volatile.Read(ref _counts[slot]);
            if (count > 0)
            {
                yield return new Measurement<long>(count, _tags[slot]);
            }
        }
    }
}
