using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Expressions;

/// <summary>
/// An atom such as <c>region: EU</c>: true for a datacenter whose attribute equals the value
/// (for <see cref="PolicyAttribute.Label"/>: whose labels contain it).
/// </summary>
/// <remarks>
/// Values are normalized on construction: region and country codes to upper case, datacenter
/// ids, tiers and labels to lower case. A value is a non-empty word of <c>[A-Za-z0-9_-]</c> other than the reserved
/// words <c>and</c>, <c>or</c>, <c>not</c>, <c>all</c>, <c>none</c>.
/// Whether the value is a known region, an assigned country or an existing datacenter is
/// checked later by <c>PolicyValidator</c>, which reports <see cref="Position"/>.
/// </remarks>
public sealed record AttributeExpression : PolicyExpression
{
    /// <summary>Creates an atom, normalizing the value's case.</summary>
    /// <exception cref="ArgumentException">The value is empty or not a word.</exception>
    public AttributeExpression(PolicyAttribute attribute, string value, SourcePosition? position = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsWord(value) || NameSyntax.IsReserved(value))
        {
            throw new ArgumentException(
                $"invalid value '{value}' for {attribute.Keyword()}: expected a word of letters, digits, '-' or '_' that is not a reserved word",
                nameof(value));
        }

        Attribute = attribute;
        Value = Normalize(attribute, value);
        Position = position;
    }

    /// <summary>The attribute tested.</summary>
    public PolicyAttribute Attribute { get; }

    /// <summary>The normalized value compared with the datacenter's attribute.</summary>
    public string Value { get; }

    /// <summary>Where the atom's value appeared in the source, if it was parsed.</summary>
    public SourcePosition? Position { get; init; }

    /// <summary>True if <paramref name="value"/> can be an atom value: a non-empty word of [A-Za-z0-9_-].</summary>
    public static bool IsWord(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(IsWordChar);

    /// <summary>True if <paramref name="c"/> may appear in a word.</summary>
    public static bool IsWordChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_';

    /// <summary>Compares attribute and value; the source position is ignored.</summary>
    public bool Equals(AttributeExpression? other) =>
        other is not null && Attribute == other.Attribute && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Attribute, StringComparer.Ordinal.GetHashCode(Value));

    private static string Normalize(PolicyAttribute attribute, string value) => attribute switch
    {
        PolicyAttribute.Region or PolicyAttribute.Country => value.ToUpperInvariant(),
        _ => value.ToLowerInvariant(),
    };
}
