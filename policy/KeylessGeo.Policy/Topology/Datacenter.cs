using System.Collections.Immutable;

namespace KeylessGeo.Policy.Topology;

/// <summary>
/// One datacenter in the topology, with the attributes a geo policy can select on.
/// </summary>
/// <remarks>
/// Construct freely; <see cref="TopologyValidator"/> checks the values. Equality compares
/// labels as sets.
/// </remarks>
public sealed record Datacenter
{
    /// <summary>Unique id, 1–32 characters of <c>[a-z0-9-]</c>, e.g. <c>fra1</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Region code from <see cref="RegionCodes"/>, e.g. <c>EU</c>.</summary>
    public required string Region { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code from <see cref="CountryCodes"/>, e.g. <c>DE</c>.</summary>
    public required string Country { get; init; }

    /// <summary>Security tier, a lowercase identifier, e.g. <c>standard</c> or <c>high-security</c>.</summary>
    public required string Tier { get; init; }

    /// <summary>Free-form labels, each a lowercase identifier, e.g. <c>pci</c>.</summary>
    public ImmutableSortedSet<string> Labels { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <inheritdoc />
    public bool Equals(Datacenter? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && string.Equals(Region, other.Region, StringComparison.Ordinal)
        && string.Equals(Country, other.Country, StringComparison.Ordinal)
        && string.Equals(Tier, other.Tier, StringComparison.Ordinal)
        && Labels.SetEquals(other.Labels);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Id, Region, Country, Tier, Labels.Count);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Id} (region {Region}, country {Country}, tier {Tier}, labels [{string.Join(", ", Labels)}])";
}
