using System.Collections.Immutable;

namespace KeylessGeo.Policy.Expressions;

/// <summary>
/// The allow/deny framing of a policy: a datacenter is permitted if it matches at least one
/// <see cref="Allow"/> rule and no <see cref="Deny"/> rule.
/// </summary>
/// <remarks>
/// Equivalent to the expression <c>(allow1 or allow2 ...) and not (deny1 or deny2 ...)</c>,
/// see <see cref="ToExpression"/>. No allow rule permits nothing; no deny rule denies nothing.
/// </remarks>
public sealed record PolicyRules
{
    /// <summary>Rules a datacenter must match at least one of.</summary>
    public ImmutableArray<PolicyExpression> Allow { get; init; } = [];

    /// <summary>Rules a datacenter must match none of.</summary>
    public ImmutableArray<PolicyExpression> Deny { get; init; } = [];

    /// <summary>The single expression equivalent to these rules.</summary>
    public PolicyExpression ToExpression()
    {
        var allow = Fold(Allow) ?? ConstantExpression.None;
        var deny = Fold(Deny);
        return deny is null ? allow : new AndExpression(allow, new NotExpression(deny));
    }

    /// <summary>Compares rule lists element by element.</summary>
    public bool Equals(PolicyRules? other) =>
        other is not null && Allow.SequenceEqual(other.Allow) && Deny.SequenceEqual(other.Deny);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Allow.Length, Deny.Length);

    private static PolicyExpression? Fold(ImmutableArray<PolicyExpression> rules)
    {
        PolicyExpression? result = null;
        foreach (var rule in rules.IsDefault ? [] : rules)
        {
            ArgumentNullException.ThrowIfNull(rule);
            result = result is null ? rule : new OrExpression(result, rule);
        }

        return result;
    }
}
