using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Language;

/// <summary>
/// Recursive-descent parser over the token list; see <see cref="PolicyParser"/> for the grammar.
/// Throws <see cref="PolicyParseException"/> at the first error.
/// </summary>
internal sealed class Parser(List<Token> tokens)
{
    private const int MaxDepth = 200;
    private int _index;
    private int _depth;
    private int _atoms;

    private Token Peek => tokens[_index];

    private Token Previous => tokens[_index - 1];

    public PolicyExpression ParsePolicy()
    {
        if (Peek.Kind == TokenKind.End)
        {
            throw Error(Peek, "empty expression");
        }

        var expression = ParseOr();
        if (Peek.Kind != TokenKind.End)
        {
            throw Peek.Kind == TokenKind.CloseParen
                ? Error(Peek, "unexpected ')' without a matching '('")
                : Unexpected(Peek, "'and', 'or' or end of input");
        }

        return expression;
    }

    private PolicyExpression ParseOr()
    {
        var left = ParseAnd();
        while (Peek.Kind == TokenKind.Or)
        {
            _index++;
            left = new OrExpression(left, ParseAnd());
        }

        return left;
    }

    private PolicyExpression ParseAnd()
    {
        var left = ParseUnary();
        while (Peek.Kind == TokenKind.And)
        {
            _index++;
            left = new AndExpression(left, ParseUnary());
        }

        return left;
    }

    private PolicyExpression ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw Error(Peek, $"expression nested more than {MaxDepth} levels deep");
        }

        try
        {
            if (Peek.Kind == TokenKind.Not)
            {
                _index++;
                return new NotExpression(ParseUnary());
            }

            return ParsePrimary();
        }
        finally
        {
            _depth--;
        }
    }

    private PolicyExpression ParsePrimary()
    {
        var token = Peek;
        if (token.Kind is TokenKind.All or TokenKind.None or TokenKind.Word && ++_atoms > PolicyParser.MaxAtoms)
        {
            throw Error(token, $"policy has more than {PolicyParser.MaxAtoms} atoms");
        }

        switch (token.Kind)
        {
            case TokenKind.OpenParen:
                return ParseParenthesized(token);
            case TokenKind.All:
                _index++;
                return ConstantExpression.All;
            case TokenKind.None:
                _index++;
                return ConstantExpression.None;
            case TokenKind.Word:
                return ParseAttribute(token);
            case TokenKind.Invalid:
                throw Error(token, token.Text);
            case TokenKind.Colon:
                throw Error(token, "unexpected ':' — expected an attribute name before it, e.g. 'region: EU'");
            default:
                throw _index > 0 && Previous.Kind is TokenKind.And or TokenKind.Or or TokenKind.Not or TokenKind.OpenParen
                    ? Error(token, $"expected an expression after '{Previous.Text}', found {token.Describe()}")
                    : Error(token, $"unexpected {token.Describe()}: expected an expression");
        }
    }

    private PolicyExpression ParseParenthesized(Token open)
    {
        _index++;
        if (Peek.Kind == TokenKind.CloseParen)
        {
            throw Error(Peek, "empty parentheses: expected an expression");
        }

        var inner = ParseOr();
        if (Peek.Kind == TokenKind.CloseParen)
        {
            _index++;
            return inner;
        }

        throw Peek.Kind == TokenKind.End
            ? Error(open, "unclosed parenthesis: this '(' has no matching ')'")
            : Unexpected(Peek, "'and', 'or' or ')'");
    }

    private AttributeExpression ParseAttribute(Token name)
    {
        _index++;
        if (!PolicyAttributes.TryParse(name.Text, out var attribute))
        {
            var candidates = Peek.Kind == TokenKind.Colon
                ? PolicyAttributes.Keywords
                : PolicyAttributes.Keywords.Concat(["not", "all", "none"]);
            var suggestion = Suggestions.Closest(name.Text, candidates);
            throw Error(name, suggestion is null
                ? $"unknown attribute '{name.Text}': expected one of {string.Join(", ", PolicyAttributes.Keywords)}, 'all', 'none', 'not' or '('"
                : $"unknown attribute '{name.Text}' — did you mean '{suggestion}'?");
        }

        if (Peek.Kind != TokenKind.Colon)
        {
            throw Error(Peek, $"expected ':' after '{name.Text}', found {Peek.Describe()}");
        }

        _index++;
        var value = Peek;
        if (value.Kind != TokenKind.Word)
        {
            throw Error(value, $"missing value after '{name.Text}:', found {value.Describe()}");
        }

        _index++;
        return new AttributeExpression(attribute, value.Text, value.Position);
    }

    private static PolicyParseException Unexpected(Token token, string expected)
    {
        var suggestion = token.Kind == TokenKind.Word ? Suggestions.Closest(token.Text, ["and", "or"]) : null;
        return suggestion is null
            ? Error(token, $"unexpected {token.Describe()}: expected {expected}")
            : Error(token, $"unexpected '{token.Text}' — did you mean '{suggestion}'?");
    }

    // A bad character is the real problem wherever it appears, so its message wins.
    private static PolicyParseException Error(Token token, string message) =>
        new(new ParseError(token.Position, token.Kind == TokenKind.Invalid ? token.Text : message));
}
