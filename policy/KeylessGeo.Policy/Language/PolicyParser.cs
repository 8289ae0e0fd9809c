using System.Diagnostics.CodeAnalysis;
using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Language;

/// <summary>
/// Parses the policy text form, e.g. <c>(region: EU) and not country: FR</c>.
/// </summary>
/// <remarks>
/// Grammar (keywords case-insensitive; precedence <c>not</c> &gt; <c>and</c> &gt; <c>or</c>;
/// <c>and</c>/<c>or</c> associate to the left):
/// <code>
/// policy  = or END
/// or      = and { ("or" | "||") and }
/// and     = unary { ("and" | "&amp;&amp;") unary }
/// unary   = ("not" | "!") unary | primary
/// primary = "(" or ")" | "all" | "none" | NAME ":" VALUE
/// </code>
/// Parsing stops at the first error, reported precisely as a <see cref="ParseError"/>.
/// </remarks>
public static class PolicyParser
{
    /// <summary>
    /// The most atoms (including <c>all</c>/<c>none</c>) a parsed policy may have, in text or JSON
    /// form; keeps evaluation and printing well within stack and time bounds.
    /// </summary>
    public const int MaxAtoms = 1000;

    /// <summary>Parses <paramref name="text"/> into an expression tree.</summary>
    /// <exception cref="PolicyParseException">The text is not a valid policy.</exception>
    public static PolicyExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Parser(Lexer.Tokenize(text)).ParsePolicy();
    }

    /// <summary>Parses <paramref name="text"/>, returning the first error instead of throwing.</summary>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out PolicyExpression? expression,
        [NotNullWhen(false)] out ParseError? error)
    {
        try
        {
            expression = Parse(text);
            error = null;
            return true;
        }
        catch (PolicyParseException ex)
        {
            expression = null;
            error = ex.Error;
            return false;
        }
    }
}
