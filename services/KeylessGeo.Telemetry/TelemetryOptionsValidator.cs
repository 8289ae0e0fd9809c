using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Telemetry;

/// <summary>
/// Checks <see cref="TelemetryOptions"/> at start-up and reports every problem at once, each
/// naming the configuration key and the value found.
/// </summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    private const string Prefix = TelemetryOptions.SectionName + ":";
    private const string PrometheusPrefix = PrometheusOptions.SectionName + ":";

    // The SDK keeps the interval in milliseconds as an int.
    private static readonly TimeSpan MaxExportInterval = TimeSpan.FromDays(1);

    private readonly string? _environmentEndpoint;

    /// <summary>A validator that also checks <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> of this process.</summary>
    public TelemetryOptionsValidator()
        : this(Environment.GetEnvironmentVariable(TelemetryOptions.EndpointEnvironmentVariable))
    {
    }

    /// <summary>A validator that checks <paramref name="environmentEndpoint"/> as the environment's OTLP endpoint.</summary>
    public TelemetryOptionsValidator(string? environmentEndpoint) => _environmentEndpoint = environmentEndpoint;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.OtlpEndpoint.Length > 0 && !IsHttpUri(options.OtlpEndpoint))
        {
            errors.Add($"{Prefix}OtlpEndpoint must be an absolute http or https URI (http://collector:4318), got '{options.OtlpEndpoint}'.");
        }
        else if (options.OtlpEndpoint.Length == 0 && !string.IsNullOrWhiteSpace(_environmentEndpoint) && !IsHttpUri(_environmentEndpoint))
        {
            errors.Add($"{TelemetryOptions.EndpointEnvironmentVariable} must be an absolute http or https URI (http://collector:4318), got '{_environmentEndpoint}'.");
        }

        if (options.OtlpProtocol is not (TelemetryOptions.HttpProtobuf or TelemetryOptions.Grpc))
        {
            errors.Add($"{Prefix}OtlpProtocol must be \"{TelemetryOptions.HttpProtobuf}\" or \"{TelemetryOptions.Grpc}\", got '{options.OtlpProtocol}'.");
        }

        if (options.ExportInterval <= TimeSpan.Zero || options.ExportInterval > MaxExportInterval)
        {
            errors.Add($"{Prefix}ExportInterval must be greater than 0 and at most 1.00:00:00, got {options.ExportInterval}.");
        }

        if (options.ServiceName.Length > 0 && string.IsNullOrWhiteSpace(options.ServiceName))
        {
            errors.Add($"{Prefix}ServiceName must be a name or empty (the program's own name), got '{options.ServiceName}'.");
        }

        if (options.Tracing is { } tracing && !(tracing.SampleRatio is >= 0 and <= 1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{TracingOptions.SectionName}:SampleRatio must be between 0 and 1, got {tracing.SampleRatio}."));
        }

        ValidatePrometheus(options.Prometheus, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidatePrometheus(PrometheusOptions? prometheus, List<string> errors)
    {
        // Checked even when disabled, so turning the endpoint on later cannot reveal an old mistake.
        if (prometheus is null)
        {
            return;
        }

        if (!IPAddress.TryParse(prometheus.Address, out _))
        {
            errors.Add($"{PrometheusPrefix}Address must be an IP address (127.0.0.1, or 0.0.0.0 for every interface), got '{prometheus.Address}'.");
        }

        if (prometheus.Port is < 0 or > IPEndPoint.MaxPort)
        {
            errors.Add($"{PrometheusPrefix}Port must be between 0 (any free port) and 65535, got {prometheus.Port}.");
        }
    }

    private static bool IsHttpUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
