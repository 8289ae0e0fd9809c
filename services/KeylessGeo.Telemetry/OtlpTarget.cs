using OpenTelemetry.Exporter;

namespace KeylessGeo.Telemetry;

/// <summary>
/// Where and how a process's OTLP exporters send: the settings metrics and traces share, and the
/// signal's path under the configured base address.
/// </summary>
internal static class OtlpTarget
{
    /// <summary>The OTLP/HTTP path of metrics.</summary>
    public const string MetricsPath = "/v1/metrics";

    /// <summary>The OTLP/HTTP path of traces.</summary>
    public const string TracesPath = "/v1/traces";

    /// <summary>True when an OTLP endpoint is configured here or in the environment.</summary>
    public static bool IsConfigured(TelemetryOptions telemetry, string? environmentEndpoint) =>
        telemetry.OtlpEndpoint.Length > 0 || !string.IsNullOrWhiteSpace(environmentEndpoint);

    /// <summary>Sets the protocol and, when configured here, the endpoint of one exporter.</summary>
    public static void Configure(OtlpExporterOptions exporter, TelemetryOptions telemetry, string signalPath)
    {
        exporter.Protocol = telemetry.OtlpProtocol == TelemetryOptions.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        if (telemetry.OtlpEndpoint.Length > 0)
        {
            exporter.Endpoint = Endpoint(telemetry, signalPath);
        }

        // Otherwise the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT itself.
    }

    /// <summary>
    /// The exporter's address. Like the standard environment variable, the configured endpoint is
    /// the collector's base address: OTLP/HTTP sends each signal to its own path under it.
    /// </summary>
    public static Uri Endpoint(TelemetryOptions telemetry, string signalPath)
    {
        var endpoint = new Uri(telemetry.OtlpEndpoint, UriKind.Absolute);
        if (telemetry.OtlpProtocol == TelemetryOptions.Grpc || endpoint.AbsolutePath.EndsWith(signalPath, StringComparison.Ordinal))
        {
            return endpoint;
        }

        var builder = new UriBuilder(endpoint);
        builder.Path = builder.Path.TrimEnd('/') + signalPath;
        return builder.Uri;
    }
}
