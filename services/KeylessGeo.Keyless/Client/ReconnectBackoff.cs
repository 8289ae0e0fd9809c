namespace KeylessGeo.Keyless.Client;

/// <summary>Exponential reconnection delay with "equal jitter" (half fixed, half random).</summary>
internal static class ReconnectBackoff
{
    /// <summary>
    /// The delay after <paramref name="failures"/> consecutive failures (at least 1):
    /// <c>min(max, initial * 2^(failures-1))</c>, scaled into [50%, 100%) by <paramref name="sample"/> in [0, 1).
    /// </summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max, double sample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var exponent = Math.Min(failures - 1, 30);
        var ceiling = Math.Min(max.Ticks, initial.Ticks * (double)(1L << exponent));
        var jitter = Math.Clamp(sample, 0, 1);
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + (0.5 * jitter))));
    }
}
