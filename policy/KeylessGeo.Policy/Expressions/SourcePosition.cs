namespace KeylessGeo.Policy.Expressions;

/// <summary>
/// A 1-based line and column in policy source text (columns count UTF-16 characters).
/// </summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">1-based column number.</param>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}, column {Column}";
}
