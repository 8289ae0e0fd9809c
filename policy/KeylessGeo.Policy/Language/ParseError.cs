using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Language;

/// <summary>
/// A syntax error in a policy: where (1-based line and column) and what.
/// </summary>
/// <param name="Line">1-based line of the offending token.</param>
/// <param name="Column">1-based column of the offending token.</param>
/// <param name="Message">What is wrong, e.g. <c>unknown attribute 'regoin' — did you mean 'region'?</c></param>
public sealed record ParseError(int Line, int Column, string Message)
{
    internal ParseError(SourcePosition position, string message)
        : this(position.Line, position.Column, message)
    {
    }

    /// <summary>Formats as <c>line 1, column 18: message</c>.</summary>
    public override string ToString() => $"line {Line}, column {Column}: {Message}";
}
