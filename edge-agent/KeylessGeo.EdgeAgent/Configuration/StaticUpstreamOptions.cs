namespace KeylessGeo.EdgeAgent.Configuration;

/// <summary>One keyserver of the datacenter listed in configuration.</summary>
public sealed record StaticUpstreamOptions
{
    /// <summary>Its gRPC address (<c>https://host:port</c>, loopback <c>http://</c>, or <c>unix:/path</c>).</summary>
    public string Address { get; init; } = "";

    /// <summary>Its id, for logs and metrics; the address when empty.</summary>
    public string Id { get; init; } = "";

    /// <summary>Its capacity relative to the others (default 1); discovery replaces it with the measured one.</summary>
    public double Weight { get; init; } = 1;
}
