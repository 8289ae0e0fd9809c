using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Admission;

/// <summary>
/// Moving average of how long one operation takes per algorithm (exponentially weighted).
/// Updated by workers without locks; a lost update under a race only delays convergence.
/// </summary>
internal sealed class ServiceTimeEstimator
{
    private const double Weight = 0.2;
    private readonly double[] _seconds = new double[KeyAlgorithms.All.Count];

    /// <summary>The current estimate; zero while nothing is known.</summary>
    public TimeSpan Estimate(KeyAlgorithm algorithm) => TimeSpan.FromSeconds(Volatile.Read(ref _seconds[(int)algorithm]));

    /// <summary>Sets the estimate outright (from calibration).</summary>
    public void Seed(KeyAlgorithm algorithm, TimeSpan serviceTime) =>
        Volatile.Write(ref _seconds[(int)algorithm], serviceTime.TotalSeconds);

    /// <summary>Folds one measured service time into the average.</summary>
    public void Observe(KeyAlgorithm algorithm, TimeSpan serviceTime)
    {
        var previous = Volatile.Read(ref _seconds[(int)algorithm]);
        var sample = serviceTime.TotalSeconds;
        Volatile.Write(ref _seconds[(int)algorithm], previous == 0 ? sample : previous + (Weight * (sample - previous)));
    }
}
