namespace KeylessGeo.Telemetry;

/// <summary>
/// What a process tells the telemetry library about itself: which meters to export and how to
/// name itself in the exported resource. Settings an operator may change live in
/// <see cref="TelemetryOptions"/>; these are the program's own.
/// </summary>
public sealed record TelemetrySetup
{
    /// <summary>The default <c>service.name</c> (<c>keylessgeo-keyserver</c>), used when <see cref="TelemetryOptions.ServiceName"/> is empty.</summary>
    public required string ServiceName { get; init; }

    /// <summary>The <c>service.instance.id</c> resource attribute (the keyserver id); empty for none.</summary>
    public string ServiceInstanceId { get; init; } = "";

    /// <summary>The meters exported over OTLP and served on <c>/metrics</c>.</summary>
    public required IReadOnlyList<string> MeterNames { get; init; }

    /// <summary>The activity sources whose spans are exported over OTLP (none: no tracing).</summary>
    public IReadOnlyList<string> ActivitySourceNames { get; init; } = [];

    /// <summary>Further resource attributes (<c>keylessgeo.datacenter</c> …).</summary>
    public IReadOnlyDictionary<string, object> ResourceAttributes { get; init; } = new Dictionary<string, object>();
}
