using System.Collections.Frozen;

namespace KeylessGeo.Policy.Expressions;

/// <summary>
/// The keywords of <see cref="PolicyAttribute"/> in the text and JSON forms.
/// </summary>
public static class PolicyAttributes
{
    private static readonly FrozenDictionary<string, PolicyAttribute> ByKeyword =
        new Dictionary<string, PolicyAttribute>(StringComparer.OrdinalIgnoreCase)
        {
            ["region"] = PolicyAttribute.Region,
            ["country"] = PolicyAttribute.Country,
            ["tier"] = PolicyAttribute.Tier,
            ["dc"] = PolicyAttribute.Datacenter,
            ["label"] = PolicyAttribute.Label,
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every attribute keyword, in documentation order.</summary>
    public static IReadOnlyList<string> Keywords { get; } = ["region", "country", "tier", "dc", "label"];

    /// <summary>The keyword for <paramref name="attribute"/>, e.g. <c>dc</c>.</summary>
    public static string Keyword(this PolicyAttribute attribute) => attribute switch
    {
        PolicyAttribute.Region => "region",
        PolicyAttribute.Country => "country",
        PolicyAttribute.Tier => "tier",
        PolicyAttribute.Datacenter => "dc",
        PolicyAttribute.Label => "label",
        _ => throw new ArgumentOutOfRangeException(nameof(attribute), attribute, "unknown attribute"),
    };

    /// <summary>Looks up an attribute by keyword, case-insensitively.</summary>
    public static bool TryParse(string keyword, out PolicyAttribute attribute) =>
        ByKeyword.TryGetValue(keyword, out attribute);
}
