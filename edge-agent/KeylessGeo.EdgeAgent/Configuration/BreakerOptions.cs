namespace KeylessGeo.EdgeAgent.Configuration;

/// <summary>
/// The circuit breaker kept for each keyserver (Polly's): transport failures (a connection that
/// cannot be opened, a stream that breaks, an attempt that times out) open it; answers, errors
/// included, never do.
/// </summary>
public sealed record BreakerOptions
{
    /// <summary>The failed share of attempts, within <see cref="SamplingDuration"/>, that opens the breaker (default 0.5).</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Attempts within <see cref="SamplingDuration"/> before the ratio counts (default 4).</summary>
    public int MinimumThroughput { get; init; } = 4;

    /// <summary>The window the ratio is measured over (default 2 s).</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long an open breaker keeps the keyserver out of selection before one trial (default 1 s).</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(1);
}
