namespace KeylessGeo.Policy.Language;

/// <summary>The kinds of token in the policy text form.</summary>
internal enum TokenKind
{
    /// <summary>A word of [A-Za-z0-9_-] that is not a keyword: an attribute name or a value.</summary>
    Word,

    /// <summary><c>:</c></summary>
    Colon,

    /// <summary><c>(</c></summary>
    OpenParen,

    /// <summary><c>)</c></summary>
    CloseParen,

    /// <summary><c>and</c> or <c>&amp;&amp;</c></summary>
    And,

    /// <summary><c>or</c> or <c>||</c></summary>
    Or,

    /// <summary><c>not</c> or <c>!</c></summary>
    Not,

    /// <summary><c>all</c></summary>
    All,

    /// <summary><c>none</c></summary>
    None,

    /// <summary>End of input.</summary>
    End,

    /// <summary>A character that cannot start any token; <see cref="Token.Text"/> holds the error message.</summary>
    Invalid,
}
