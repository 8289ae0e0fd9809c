using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.Policy.Evaluation;

/// <summary>
/// One deciding literal of a decision: an atom (<c>region: EU</c>), a negated atom
/// (<c>not country: DE</c>) or a constant, with the datacenter's actual value and the outcome.
/// </summary>
/// <param name="Literal">The deciding node: an atom, a <see cref="NotExpression"/> of an atom, or a constant.</param>
/// <param name="Atom">The atom inside <paramref name="Literal"/>, or <see langword="null"/> for a constant.</param>
/// <param name="Actual">The datacenter's value for the atom's attribute, e.g. <c>DE</c>; for labels, the label set.</param>
/// <param name="Satisfied">Whether <paramref name="Literal"/> was true for the datacenter.</param>
public sealed record DecisionReason(PolicyExpression Literal, AttributeExpression? Atom, string? Actual, bool Satisfied)
{
    /// <summary>
    /// Human-readable text, e.g. <c>region EU matched 'region: EU'</c>,
    /// <c>region NA did not match 'region: EU'</c>, <c>country DE is excluded by 'not country: DE'</c>.
    /// </summary>
    public override string ToString()
    {
        if (Atom is null)
        {
            return Satisfied ? $"'{Literal}' permits every datacenter" : $"'{Literal}' permits no datacenter";
        }

        // The subject is what the datacenter actually has, e.g. "country DE" or "labels [edge]".
        var atomMatched = Literal is NotExpression ? !Satisfied : Satisfied;
        var subject = Atom.Attribute == PolicyAttribute.Label && !atomMatched
            ? $"labels {Actual}"
            : $"{Atom.Attribute.Keyword()} {(Atom.Attribute == PolicyAttribute.Label ? Atom.Value : Actual)}";
        var literal = PolicyPrinter.Print(Literal);
        return (Literal is NotExpression, Satisfied) switch
        {
            (false, true) => $"{subject} matched '{literal}'",
            (false, false) => $"{subject} did not match '{literal}'",
            (true, true) => $"{subject} is not excluded by '{literal}'",
            (true, false) => $"{subject} is excluded by '{literal}'",
        };
    }
}
