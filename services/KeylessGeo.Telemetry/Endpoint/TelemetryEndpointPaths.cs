namespace KeylessGeo.Telemetry.Endpoint;

/// <summary>The only paths the telemetry endpoint serves.</summary>
public static class TelemetryEndpointPaths
{
    /// <summary>Prometheus text exposition of every exported meter.</summary>
    public const string Metrics = "/metrics";

    /// <summary>Liveness: checks tagged <see cref="Health.HealthTags.Live"/>.</summary>
    public const string Healthz = "/healthz";

    /// <summary>Readiness: checks tagged <see cref="Health.HealthTags.Ready"/>.</summary>
    public const string Readyz = "/readyz";
}
