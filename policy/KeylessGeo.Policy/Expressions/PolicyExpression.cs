using KeylessGeo.Policy.Language;

namespace KeylessGeo.Policy.Expressions;

/// <summary>
/// A node of a geo policy expression tree. Trees are immutable and compare by value
/// (source positions are not part of equality).
/// </summary>
/// <remarks>
/// Nodes: <see cref="AttributeExpression"/> (an atom such as <c>region: EU</c>),
/// <see cref="ConstantExpression"/> (<c>all</c>/<c>none</c>), <see cref="NotExpression"/>,
/// <see cref="AndExpression"/> and <see cref="OrExpression"/>.
/// </remarks>
public abstract record PolicyExpression
{
    private protected PolicyExpression()
    {
    }

    /// <summary>The canonical text form, as produced by <see cref="PolicyPrinter"/>.</summary>
    public sealed override string ToString() => PolicyPrinter.Print(this);
}
