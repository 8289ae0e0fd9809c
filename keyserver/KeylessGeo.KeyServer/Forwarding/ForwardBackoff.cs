namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// The wait before a retry: exponential (the base doubled per retry, capped), with "equal
/// jitter" — half fixed, half random — so retries of many requests that failed together do not
/// arrive together, and no retry waits less than half its step.
/// </summary>
internal static class ForwardBackoff
{
    /// <summary>The delay before retry <paramref name="retry"/> (0 for the first retry).</summary>
    /// <param name="retry">How many retries came before this one.</param>
    /// <param name="baseDelay">The step of the first retry.</param>
    /// <param name="maxDelay">The largest step.</param>
    /// <param name="unitRandom">A random number in [0, 1).</param>
    public static TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double unitRandom)
    {
        var step = baseDelay;
        for (var i = 0; i < retry && step < maxDelay; i++)
        {
            step += step;
        }

        if (step > maxDelay)
        {
            step = maxDelay;
        }

        var half = step.Ticks / 2;
        return TimeSpan.FromTicks(half + (long)((step.Ticks - half) * Math.Clamp(unitRandom, 0, 1)));
    }
}
