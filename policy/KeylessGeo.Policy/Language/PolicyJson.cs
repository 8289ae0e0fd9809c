using System.Text;
using System.Text.Json;
using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Language;

/// <summary>
/// The JSON form of a policy expression, e.g.
/// <c>{"and":[{"region":"EU"},{"not":{"country":"FR"}}]}</c>.
/// </summary>
/// <remarks>
/// An expression is one of: <c>"all"</c>, <c>"none"</c>, <c>{"not": E}</c>,
/// <c>{"and": [E, ...]}</c>, <c>{"or": [E, ...]}</c> (at least one operand, folded to the left),
/// or an atom <c>{"region"|"country"|"tier"|"dc"|"label": "value"}</c>. Objects have exactly one
/// key. Errors are reported as <see cref="PolicyParseException"/> with the line and column in
/// the JSON text; atoms keep their JSON position for later validation messages.
/// </remarks>
public static class PolicyJson
{
    /// <summary>Parses the JSON form.</summary>
    /// <exception cref="PolicyParseException">The JSON is malformed or not a valid policy.</exception>
    public static PolicyExpression Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new JsonPolicyReader(Encoding.UTF8.GetBytes(json)).ReadDocument();
    }

    /// <summary>Serializes <paramref name="expression"/> to its JSON form (compact unless <paramref name="indented"/>).</summary>
    public static string Serialize(PolicyExpression expression, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(expression);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, expression);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, PolicyExpression expression)
    {
        switch (expression)
        {
            case ConstantExpression constant:
                writer.WriteStringValue(constant.Keyword);
                break;
            case AttributeExpression atom:
                writer.WriteStartObject();
                writer.WriteString(atom.Attribute.Keyword(), atom.Value);
                writer.WriteEndObject();
                break;
            case NotExpression not:
                writer.WriteStartObject();
                writer.WritePropertyName("not");
                Write(writer, not.Operand);
                writer.WriteEndObject();
                break;
            case AndExpression or OrExpression:
                writer.WriteStartObject();
                writer.WritePropertyName(expression is AndExpression ? "and" : "or");
                writer.WriteStartArray();
                foreach (var operand in LeftSpine(expression))
                {
                    Write(writer, operand);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"unknown expression node {expression.GetType().Name}", nameof(expression));
        }
    }

    /// <summary>
    /// The operands of a left-nested chain of one operator: ((a and b) and c) gives [a, b, c].
    /// Parsing folds the array back to the left, so the tree round-trips exactly.
    /// </summary>
    private static List<PolicyExpression> LeftSpine(PolicyExpression expression)
    {
        var operands = new List<PolicyExpression>();
        var type = expression.GetType();
        var current = expression;
        while (current.GetType() == type)
        {
            var (left, right) = current switch
            {
                AndExpression a => (a.Left, a.Right),
                OrExpression o => (o.Left, o.Right),
                _ => throw new InvalidOperationException("unreachable"),
            };
            operands.Add(right);
            current = left;
        }

        operands.Add(current);
        operands.Reverse();
        return operands;
    }
}
