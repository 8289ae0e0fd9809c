namespace KeylessGeo.EdgeHost.Configuration;

/// <summary>Who the edge host is (configuration section <c>Host</c>).</summary>
public sealed record EdgeHostOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Host";

    /// <summary>The host's name in logs, metrics and the response body; the machine name when empty.</summary>
    public string Id { get; init; } = "";
}
