namespace KeylessGeo.Policy.Expressions;

/// <summary>
/// <c>all</c> (every datacenter) or <c>none</c> (no datacenter).
/// </summary>
public sealed record ConstantExpression : PolicyExpression
{
    private ConstantExpression(bool value)
    {
        Value = value;
    }

    /// <summary><c>all</c>: permits every datacenter.</summary>
    public static ConstantExpression All { get; } = new(true);

    /// <summary><c>none</c>: permits no datacenter.</summary>
    public static ConstantExpression None { get; } = new(false);

    /// <summary>True for <c>all</c>, false for <c>none</c>.</summary>
    public bool Value { get; }

    /// <summary>The text keyword, <c>all</c> or <c>none</c>.</summary>
    public string Keyword => Value ? "all" : "none";
}
