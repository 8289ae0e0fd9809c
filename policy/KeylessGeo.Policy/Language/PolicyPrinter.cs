using System.Text;
using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Language;

/// <summary>
/// Prints an expression tree as canonical policy text: lower-case keywords, <c>name: VALUE</c>
/// atoms, single spaces, and only the parentheses precedence requires. Parsing the output
/// gives back an equal tree.
/// </summary>
public static class PolicyPrinter
{
    // Binding strength: a child is parenthesized when it binds more loosely than its slot needs.
    private const int OrLevel = 0;
    private const int AndLevel = 1;
    private const int UnaryLevel = 2;

    /// <summary>The canonical text of <paramref name="expression"/>.</summary>
    public static string Print(PolicyExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var builder = new StringBuilder();
        Write(builder, expression, OrLevel);
        return builder.ToString();
    }

    /// <summary>The canonical text of one atom, e.g. <c>region: EU</c>.</summary>
    public static string Print(AttributeExpression atom)
    {
        ArgumentNullException.ThrowIfNull(atom);
        return $"{atom.Attribute.Keyword()}: {atom.Value}";
    }

    private static void Write(StringBuilder builder, PolicyExpression expression, int level)
    {
        var own = Level(expression);
        if (own < level)
        {
            builder.Append('(');
        }

        switch (expression)
        {
            case AttributeExpression atom:
                builder.Append(Print(atom));
                break;
            case ConstantExpression constant:
                builder.Append(constant.Keyword);
                break;
            case NotExpression not:
                builder.Append("not ");
                Write(builder, not.Operand, UnaryLevel);
                break;
            case AndExpression and:
                // Left-associative: a left operand of the same operator needs no parentheses.
                Write(builder, and.Left, AndLevel);
                builder.Append(" and ");
                Write(builder, and.Right, UnaryLevel);
                break;
            case OrExpression or:
                Write(builder, or.Left, OrLevel);
                builder.Append(" or ");
                Write(builder, or.Right, AndLevel);
                break;
            default:
                throw new ArgumentException($"unknown expression node {expression.GetType().Name}", nameof(expression));
        }

        if (own < level)
        {
            builder.Append(')');
        }
    }

    private static int Level(PolicyExpression expression) => expression switch
    {
        OrExpression => OrLevel,
        AndExpression => AndLevel,
        _ => UnaryLevel,
    };
}
