using System.Collections.Frozen;

namespace KeylessGeo.Policy.Topology;

/// <summary>
/// The closed set of region codes a datacenter may belong to and a policy may name.
/// </summary>
/// <remarks>
/// Regions are operator groupings, not ISO codes, and deliberately coarse:
/// <list type="table">
/// <item><term>EU</term><description>Europe (EU and non-EU European countries).</description></item>
/// <item><term>NA</term><description>North America, including Central America and the Caribbean.</description></item>
/// <item><term>SA</term><description>South America.</description></item>
/// <item><term>APAC</term><description>Asia and the Pacific rim, excluding Oceania.</description></item>
/// <item><term>ME</term><description>Middle East.</description></item>
/// <item><term>AF</term><description>Africa.</description></item>
/// <item><term>OC</term><description>Oceania (Australia, New Zealand, Pacific islands).</description></item>
/// </list>
/// Codes are upper case. Adding a region is a code change on purpose: a policy naming a
/// region that some keyserver does not know must fail validation, not silently match nothing.
/// </remarks>
public static class RegionCodes
{
    /// <summary>Every known region code with a one-line description.</summary>
    public static FrozenDictionary<string, string> Known { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EU"] = "Europe",
        ["NA"] = "North America",
        ["SA"] = "South America",
        ["APAC"] = "Asia-Pacific (excluding Oceania)",
        ["ME"] = "Middle East",
        ["AF"] = "Africa",
        ["OC"] = "Oceania",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The known codes in a stable (ordinal) order, for messages.</summary>
    public static IReadOnlyList<string> Ordered { get; } = [.. Known.Keys.Order(StringComparer.Ordinal)];

    /// <summary>True if <paramref name="code"/> is a known region code (exact, upper case).</summary>
    public static bool IsKnown(string? code) => code is not null && Known.ContainsKey(code);
}
