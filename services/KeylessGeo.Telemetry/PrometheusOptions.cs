namespace KeylessGeo.Telemetry;

/// <summary>
/// The telemetry endpoint, section <c>Telemetry:Prometheus</c>: its own Kestrel endpoint (plain
/// HTTP/1.1) that serves only <c>/metrics</c> (Prometheus text exposition), <c>/healthz</c> and
/// <c>/readyz</c>. The process's service ports never serve these paths.
/// </summary>
public sealed record PrometheusOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = TelemetryOptions.SectionName + ":Prometheus";

    /// <summary>gokeyless's metrics port, so a migrating operator's scrape configuration keeps working.</summary>
    public const int DefaultPort = 2406;

    /// <summary>Serve the endpoint (default true). Off: no scrape, no HTTP health; OTLP is unaffected.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The IP address to listen on (default 127.0.0.1: metrics name keys and clients, so exposing
    /// them beyond the host is the operator's explicit choice).
    /// </summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The TCP port (default <see cref="DefaultPort"/>); 0 picks a free port, logged at start.</summary>
    public int Port { get; init; } = DefaultPort;
}
