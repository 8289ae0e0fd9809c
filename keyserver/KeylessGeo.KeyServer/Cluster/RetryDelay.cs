namespace KeylessGeo.KeyServer.Cluster;

/// <summary>Exponential backoff for store retries: the first delay, doubled per consecutive failure, capped.</summary>
internal static class RetryDelay
{
    /// <summary>The delay before retry number <paramref name="failures"/> (1 for the first failure).</summary>
    public static TimeSpan After(int failures, TimeSpan first, TimeSpan max)
    {
        var delay = first;
        for (var i = 1; i < failures && delay < max; i++)
        {
            delay += delay;
        }

        return delay < max ? delay : max;
    }
}
