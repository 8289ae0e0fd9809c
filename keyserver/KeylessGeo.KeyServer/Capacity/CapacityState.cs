using System.Collections.Immutable;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Capacity;

/// <summary>
/// The measured capacity: operations per second across all workers per algorithm, with the
/// accelerator multiplier applied. Empty until calibration measures something.
/// </summary>
internal sealed class CapacityState
{
    private ImmutableArray<(KeyAlgorithm Algorithm, double OperationsPerSecond)> _measured = [];

    public CapacityState(AcceleratorInfo accelerator) => Accelerator = accelerator;

    public AcceleratorInfo Accelerator { get; }

    public ImmutableArray<(KeyAlgorithm Algorithm, double OperationsPerSecond)> Measured => _measured;

    /// <summary>Records one algorithm's single-thread service time scaled to <paramref name="workers"/>.</summary>
    public double Record(KeyAlgorithm algorithm, TimeSpan serviceTime, int workers)
    {
        var multiplier = algorithm.Kind() == KeyKind.Ed25519 ? 1.0 : Accelerator.Multiplier;
        var perSecond = serviceTime > TimeSpan.Zero ? workers * multiplier / serviceTime.TotalSeconds : 0;
        ImmutableInterlocked.Update(ref _measured, static (list, entry) => list.Add(entry), (algorithm, perSecond));
        return perSecond;
    }
}
