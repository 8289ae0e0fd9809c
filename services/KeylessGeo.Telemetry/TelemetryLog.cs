using Microsoft.Extensions.Logging;

namespace KeylessGeo.Telemetry;

/// <summary>Log messages of the telemetry library, with stable event ids.</summary>
internal static partial class TelemetryLog
{
    [LoggerMessage(1, LogLevel.Information, "Metrics and health listening on {Address} ({Metrics}, {Healthz}, {Readyz})", EventName = "TelemetryEndpointListening")]
    public static partial void Listening(ILogger logger, string address, string metrics, string healthz, string readyz);
}
