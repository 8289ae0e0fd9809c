using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Language;

/// <summary>One token with its source position.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Text">The source text, or the error message for <see cref="TokenKind.Invalid"/>.</param>
/// <param name="Position">Where the token starts.</param>
internal readonly record struct Token(TokenKind Kind, string Text, SourcePosition Position)
{
    /// <summary>How the token is named in error messages.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.Invalid => "invalid character",
        _ => $"'{Text}'",
    };
}
