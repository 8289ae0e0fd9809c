using System.Text;
using System.Text.Json;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Language;

/// <summary>
/// Reads the JSON form with <see cref="Utf8JsonReader"/>, so every error and every atom gets a
/// line and column in the JSON text. See <see cref="PolicyJson"/> for the format.
/// </summary>
internal sealed class JsonPolicyReader(byte[] utf8)
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 256,
    };

    private int _atoms;

    public PolicyExpression ReadDocument()
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                throw Error(0, "empty expression");
            }

            var expression = ReadExpression(ref reader);
            if (reader.Read())
            {
                throw Error(reader.TokenStartIndex, "unexpected content after the expression");
            }

            return expression;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            throw new PolicyParseException(new ParseError(line, column, "malformed JSON"));
        }
    }

    private PolicyExpression ReadExpression(ref Utf8JsonReader reader)
    {
        var start = reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.String)
        {
            CountAtom(start);
            return reader.GetString() switch
            {
                "all" => ConstantExpression.All,
                "none" => ConstantExpression.None,
                var other => throw Error(start, $"unexpected string \"{other}\": expected \"all\", \"none\" or an object such as {{\"region\":\"EU\"}}"),
            };
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(start, $"unexpected {Describe(reader.TokenType)}: expected an object such as {{\"region\":\"EU\"}}, \"all\" or \"none\"");
        }

        reader.Read();
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            throw Error(start, "empty object: expected exactly one key such as \"and\", \"or\", \"not\" or \"region\"");
        }

        var keyStart = reader.TokenStartIndex;
        var key = reader.GetString()!;
        reader.Read();
        var result = key switch
        {
            "and" or "or" => ReadOperands(ref reader, key, keyStart),
            "not" => new NotExpression(ReadExpression(ref reader)),
            _ => ReadAtom(ref reader, key, keyStart),
        };

        reader.Read();
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw Error(reader.TokenStartIndex, $"an expression object has exactly one key; found \"{reader.GetString()}\" after \"{key}\"");
        }

        return result;
    }

    private PolicyExpression ReadOperands(ref Utf8JsonReader reader, string key, long keyStart)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Error(reader.TokenStartIndex, $"\"{key}\" takes an array of expressions, not {Describe(reader.TokenType)}");
        }

        PolicyExpression? result = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var operand = ReadExpression(ref reader);
            result = result is null ? operand
                : key == "and" ? new AndExpression(result, operand)
                : new OrExpression(result, operand);
        }

        return result ?? throw Error(keyStart, $"\"{key}\" needs at least one operand");
    }

    private AttributeExpression ReadAtom(ref Utf8JsonReader reader, string key, long keyStart)
    {
        if (!PolicyAttributes.TryParse(key, out var attribute) || !string.Equals(key, attribute.Keyword(), StringComparison.Ordinal))
        {
            var suggestion = Suggestions.Closest(key, PolicyAttributes.Keywords.Concat(["and", "or", "not"]));
            throw Error(keyStart, suggestion is null
                ? $"unknown key \"{key}\": expected \"and\", \"or\", \"not\" or one of {string.Join(", ", PolicyAttributes.Keywords)}"
                : $"unknown key \"{key}\" — did you mean \"{suggestion}\"?");
        }

        var valueStart = reader.TokenStartIndex;
        CountAtom(keyStart);
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Error(valueStart, $"the value of \"{key}\" must be a string, not {Describe(reader.TokenType)}");
        }

        var value = reader.GetString()!;
        if (!AttributeExpression.IsWord(value) || NameSyntax.IsReserved(value))
        {
            throw Error(valueStart, $"invalid value \"{value}\" for \"{key}\": expected a word of letters, digits, '-' or '_' that is not a reserved word");
        }

        return new AttributeExpression(attribute, value, Position(valueStart));
    }

    private void CountAtom(long byteOffset)
    {
        if (++_atoms > PolicyParser.MaxAtoms)
        {
            throw Error(byteOffset, $"policy has more than {PolicyParser.MaxAtoms} atoms");
        }
    }

    private SourcePosition Position(long byteOffset)
    {
        var offset = (int)byteOffset;
        if (offset <= 0)
        {
            return new SourcePosition(1, 1);
        }

        var lineStart = Array.LastIndexOf(utf8, (byte)'\n', offset - 1) + 1;

        var line = 1 + utf8.AsSpan(0, lineStart).Count((byte)'\n');
        return new SourcePosition(line, Encoding.UTF8.GetCharCount(utf8, lineStart, offset - lineStart) + 1);
    }

    private PolicyParseException Error(long byteOffset, string message) =>
        new(new ParseError(Position(byteOffset), message));

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
