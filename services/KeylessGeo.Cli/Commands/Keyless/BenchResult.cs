namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>What a <see cref="KeylessBench"/> run measured.</summary>
public sealed record BenchResult
{
    /// <summary>From the first request to the last answer.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Latencies of the successful requests, sorted ascending.</summary>
    public required IReadOnlyList<TimeSpan> Latencies { get; init; }

    /// <summary>Failed requests by kind (the wire error's name, or the client's error code).</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Successful requests.</summary>
    public int Succeeded => Latencies.Count;

    /// <summary>Failed requests.</summary>
    public long Failed => Errors.Values.Sum();

    /// <summary>Successful requests per second.</summary>
    public double Rate => Elapsed > TimeSpan.Zero ? Succeeded / Elapsed.TotalSeconds : 0;

    /// <summary>The latency below which <paramref name="fraction"/> of successful requests completed (nearest rank); zero without any.</summary>
    public TimeSpan Percentile(double fraction)
    {
        if (Latencies.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(fraction * Latencies.Count) - 1;
        return Latencies[Math.Clamp(rank, 0, Latencies.Count - 1)];
    }
}
