namespace KeylessGeo.Telemetry.Health;

/// <summary>
/// The tags that place a health check on <c>/healthz</c> or <c>/readyz</c>. A check may carry
/// both; an untagged check appears on neither.
/// </summary>
public static class HealthTags
{
    /// <summary>Liveness (<c>/healthz</c>): failing means the process should be restarted.</summary>
    public const string Live = "live";

    /// <summary>Readiness (<c>/readyz</c>): failing means send no traffic here yet (or any more).</summary>
    public const string Ready = "ready";
}
