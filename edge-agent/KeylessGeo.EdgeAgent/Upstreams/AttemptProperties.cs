using Polly;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>What one attempt carries through the resilience pipelines.</summary>
internal static class AttemptProperties
{
    /// <summary>The attempt's timeout: the path's request timeout, never beyond the request's deadline.</summary>
    public static readonly ResiliencePropertyKey<TimeSpan> Timeout = new("keylessgeo.attempt.timeout");
}
