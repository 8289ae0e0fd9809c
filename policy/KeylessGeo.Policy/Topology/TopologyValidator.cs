using System.Collections.Immutable;

namespace KeylessGeo.Policy.Topology;

/// <summary>
/// Checks a list of datacenters and reports every error at once.
/// </summary>
public static class TopologyValidator
{
    /// <summary>
    /// Validates <paramref name="datacenters"/>: id syntax and uniqueness, known region,
    /// assigned country, tier and label syntax.
    /// </summary>
    /// <returns>Every error found, in input order; empty when the topology is valid.</returns>
    public static ImmutableArray<TopologyError> Validate(IEnumerable<Datacenter> datacenters)
    {
        ArgumentNullException.ThrowIfNull(datacenters);
        var errors = ImmutableArray.CreateBuilder<TopologyError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var dc in datacenters)
        {
            ValidateOne(dc, index++, seen, errors);
        }

        return errors.ToImmutable();
    }

    private static void ValidateOne(Datacenter dc, int index, HashSet<string> seen, ImmutableArray<TopologyError>.Builder errors)
    {
        var name = string.IsNullOrEmpty(dc.Id) ? $"#{index}" : dc.Id;
        if (!NameSyntax.IsDatacenterId(dc.Id))
        {
            errors.Add(new(name, "id", dc.Id, $"invalid id '{dc.Id}': expected 1–{NameSyntax.MaxLength} characters of [a-z0-9-], not a reserved word"));
        }
        else if (!seen.Add(dc.Id))
        {
            errors.Add(new(name, "id", dc.Id, $"duplicate id '{dc.Id}'"));
        }

        if (!RegionCodes.IsKnown(dc.Region))
        {
            errors.Add(new(name, "region", dc.Region,
                $"unknown region '{dc.Region}': expected one of {string.Join(", ", RegionCodes.Ordered)}"));
        }

        if (!CountryCodes.IsAssigned(dc.Country))
        {
            errors.Add(new(name, "country", dc.Country,
                $"unknown country '{dc.Country}': expected an upper-case ISO 3166-1 alpha-2 code"));
        }

        if (!NameSyntax.IsIdentifier(dc.Tier))
        {
            errors.Add(new(name, "tier", dc.Tier, $"invalid tier '{dc.Tier}': {IdentifierRule}"));
        }

        foreach (var label in dc.Labels)
        {
            if (!NameSyntax.IsIdentifier(label))
            {
                errors.Add(new(name, "labels", label, $"invalid label '{label}': {IdentifierRule}"));
            }
        }
    }

    private static string IdentifierRule =>
        $"expected a lowercase identifier (a letter, then [a-z0-9-], at most {NameSyntax.MaxLength} characters, not a reserved word)";
}
