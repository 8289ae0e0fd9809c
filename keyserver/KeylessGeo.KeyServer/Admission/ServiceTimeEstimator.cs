using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Admission;

/// <summary>
/// How long one operation takes per algorithm: a moving average (exponentially weighted) that
/// predicts queue waits, and the shortest time seen, which says what the operation itself costs.
/// Updated by workers and event loops without locks; a lost update under a race only delays convergence.
/// </summary>
internal sealed class ServiceTimeEstimator
{
    private const double Weight = 0.2;
    private readonly double[] _seconds = new double[KeyAlgorithms.All.Count];
    private readonly double[] _shortestSeconds = new double[KeyAlgorithms.All.Count];

    /// <summary>The current moving average; zero while nothing is known.</summary>
    public TimeSpan Estimate(KeyAlgorithm algorithm) => TimeSpan.FromSeconds(Volatile.Read(ref _seconds[(int)algorithm]));

    /// <summary>
    /// The shortest service time calibrated or observed; zero while nothing is known. Times are
    /// wall-clock, so a thread that loses its core in the middle of an operation reports the wait
    /// too: the average then jumps (which is right for predicting waits), while the shortest time
    /// stays what the operation costs when it runs, the figure to decide what is short enough to run inline.
    /// </summary>
    public TimeSpan Shortest(KeyAlgorithm algorithm) => TimeSpan.FromSeconds(Volatile.Read(ref _shortestSeconds[(int)algorithm]));

    /// <summary>Sets the estimate outright (from calibration).</summary>
    public void Seed(KeyAlgorithm algorithm, TimeSpan serviceTime)
    {
        Volatile.Write(ref _seconds[(int)algorithm], serviceTime.TotalSeconds);
        Volatile.Write(ref _shortestSeconds[(int)algorithm], serviceTime.TotalSeconds);
    }

    /// <summary>Folds one measured service time into the average and the shortest time.</summary>
    public void Observe(KeyAlgorithm algorithm, TimeSpan serviceTime)
    {
        var previous = Volatile.Read(ref _seconds[(int)algorithm]);
        var sample = serviceTime.TotalSeconds;
        Volatile.Write(ref _seconds[(int)algorithm], previous == 0 ? sample : previous + (Weight * (sample - previous)));
        var shortest = Volatile.Read(ref _shortestSeconds[(int)algorithm]);
        if (sample > 0 && (shortest == 0 || sample < shortest))
        {
            Volatile.Write(ref _shortestSeconds[(int)algorithm], sample);
        }
    }
}
