using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Language;

/// <summary>
/// Splits policy text into tokens, tracking 1-based line and column. <c>#</c> starts a comment
/// that runs to the end of the line. Keywords are case-insensitive.
/// </summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0, line = 1, lineStart = 0;
        while (true)
        {
            // Skip whitespace and comments, counting lines.
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\n')
                {
                    i++;
                    line++;
                    lineStart = i;
                }
                else if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '#')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                }
                else
                {
                    break;
                }
            }

            var position = new SourcePosition(line, i - lineStart + 1);
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", position));
                return tokens;
            }

            var start = i;
            var ch = text[i];
            if (AttributeExpression.IsWordChar(ch))
            {
                while (i < text.Length && AttributeExpression.IsWordChar(text[i]))
                {
                    i++;
                }

                var word = text[start..i];
                tokens.Add(new Token(KeywordKind(word), word, position));
                continue;
            }

            var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
            (TokenKind kind, int length) = ch switch
            {
                ':' => (TokenKind.Colon, 1),
                '(' => (TokenKind.OpenParen, 1),
                ')' => (TokenKind.CloseParen, 1),
                '!' => (TokenKind.Not, 1),
                '&' when two == "&&" => (TokenKind.And, 2),
                '|' when two == "||" => (TokenKind.Or, 2),
                _ => (TokenKind.Invalid, 1),
            };

            if (kind == TokenKind.Invalid)
            {
                tokens.Add(new Token(TokenKind.Invalid, InvalidMessage(ch), position));
                i++;
                continue;
            }

            tokens.Add(new Token(kind, text.Substring(start, length), position));
            i += length;
        }
    }

    private static TokenKind KeywordKind(string word) => word.ToLowerInvariant() switch
    {
        "and" => TokenKind.And,
        "or" => TokenKind.Or,
        "not" => TokenKind.Not,
        "all" => TokenKind.All,
        "none" => TokenKind.None,
        _ => TokenKind.Word,
    };

    private static string InvalidMessage(char c) => c switch
    {
        '&' => "unexpected character '&' — did you mean '&&' or 'and'?",
        '|' => "unexpected character '|' — did you mean '||' or 'or'?",
        '=' => "unexpected character '=' — attributes are written 'name: value', e.g. 'region: EU'",
        '"' or '\'' => $"unexpected character '{c}': values are written without quotes, e.g. 'region: EU'",
        _ when char.IsControl(c) => $"unexpected control character U+{(int)c:X4}",
        _ => $"unexpected character '{c}'",
    };
}
