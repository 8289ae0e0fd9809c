namespace KeylessGeo.Policy.Topology;

/// <summary>
/// Syntax rules for datacenter ids, tiers and labels.
/// </summary>
public static class NameSyntax
{
    /// <summary>Maximum length of a datacenter id, tier or label.</summary>
    public const int MaxLength = 32;

    /// <summary>
    /// Words of the policy language that cannot be ids, tiers or labels (they could not be
    /// written as a value in a policy): <c>and</c>, <c>or</c>, <c>not</c>, <c>all</c>, <c>none</c>.
    /// </summary>
    public static IReadOnlyList<string> ReservedWords { get; } = ["and", "or", "not", "all", "none"];

    /// <summary>True if <paramref name="value"/> is a reserved word, compared case-insensitively.</summary>
    public static bool IsReserved(string? value) =>
        value is not null && ReservedWords.Contains(value, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A datacenter id: 1–32 characters of <c>[a-z0-9-]</c>, not a reserved word, for example <c>fra1</c>.
    /// </summary>
    public static bool IsDatacenterId(string? value) =>
        value is { Length: > 0 and <= MaxLength }
        && !IsReserved(value)
        && value.All(c => IsLowerAlphanumeric(c) || c == '-');

    /// <summary>
    /// A tier or label: a lowercase identifier of 1–32 characters, a letter followed by
    /// <c>[a-z0-9-]</c>, not a reserved word, for example <c>high-security</c> or <c>pci</c>.
    /// </summary>
    public static bool IsIdentifier(string? value) =>
        value is { Length: > 0 and <= MaxLength }
        && value[0] is >= 'a' and <= 'z'
        && !IsReserved(value)
        && value.All(c => IsLowerAlphanumeric(c) || c == '-');

    private static bool IsLowerAlphanumeric(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
