namespace KeylessGeo.ControlPlane.Operations;

/// <summary>A 1-based line and column in text the operator sent (policy text or JSON).</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record TextPosition(int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}, column {Column}";
}
