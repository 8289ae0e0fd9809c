namespace KeylessGeo.Telemetry;

/// <summary>
/// Trace export, bound from <c>Telemetry:Tracing</c>. Spans go to the same OTLP collector as
/// metrics (<see cref="TelemetryOptions.OtlpEndpoint"/>); without one nothing is traced.
/// </summary>
public sealed record TracingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = TelemetryOptions.SectionName + ":Tracing";

    /// <summary>False turns trace export off while metrics are still exported.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The fraction of requests that arrive without a trace of their own that are traced (0 to 1).
    /// A request whose caller sent a trace context follows the caller's decision, so a terminator
    /// or agent that samples a handshake gets the keyserver's span with it.
    /// </summary>
    public double SampleRatio { get; init; } = 0.01;
}
