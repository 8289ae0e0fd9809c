namespace KeylessGeo.Telemetry;

/// <summary>
/// A process's metrics export, bound from the configuration section <see cref="SectionName"/>:
/// OTLP push when an endpoint is configured (here or in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), and
/// the Prometheus scrape endpoint with <c>/healthz</c> and <c>/readyz</c> (<see cref="Prometheus"/>).
/// </summary>
public sealed record TelemetryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>The OTLP/HTTP protocol with protobuf bodies (the default; collectors listen on 4318).</summary>
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>The OTLP/gRPC protocol (collectors listen on 4317).</summary>
    public const string Grpc = "grpc";

    /// <summary>The standard environment variable read when <see cref="OtlpEndpoint"/> is empty.</summary>
    public const string EndpointEnvironmentVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The collector's base address (<c>http://collector:4318</c>); with <see cref="HttpProtobuf"/>
    /// metrics go to its <c>/v1/metrics</c> path, as with the standard environment variable.
    /// Empty turns OTLP export off unless <see cref="EndpointEnvironmentVariable"/> is set.
    /// </summary>
    public string OtlpEndpoint { get; init; } = "";

    /// <summary><see cref="HttpProtobuf"/> (default) or <see cref="Grpc"/>.</summary>
    public string OtlpProtocol { get; init; } = HttpProtobuf;

    /// <summary>How often the current metric values are sent over OTLP.</summary>
    public TimeSpan ExportInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The <c>service.name</c> resource attribute; empty uses the process's own name
    /// (<see cref="TelemetrySetup.ServiceName"/>, <c>keylessgeo-keyserver</c> for the keyserver).
    /// </summary>
    public string ServiceName { get; init; } = "";

    /// <summary>Trace export over OTLP (section <c>Telemetry:Tracing</c>).</summary>
    public TracingOptions Tracing { get; init; } = new();

    /// <summary>The scrape and health endpoint (section <c>Telemetry:Prometheus</c>).</summary>
    public PrometheusOptions Prometheus { get; init; } = new();
}
