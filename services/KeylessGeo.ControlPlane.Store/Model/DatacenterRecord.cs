using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>One datacenter of the topology, as stored (the policy library validates and evaluates it).</summary>
public sealed record DatacenterRecord
{
    /// <summary>Datacenter id, e.g. <c>fra1</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Region code, e.g. <c>EU</c>.</summary>
    public required string Region { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public required string Country { get; init; }

    /// <summary>Security tier, e.g. <c>standard</c> or <c>high-security</c>.</summary>
    public required string Tier { get; init; }

    /// <summary>Free-form labels, sorted.</summary>
    public ImmutableArray<string> Labels { get; init; } = [];
}
