namespace KeylessGeo.ControlPlane.Operations;

/// <summary>One problem with one field of a request.</summary>
/// <param name="Field">The request field, e.g. <c>text</c>, <c>privateKey</c>, <c>datacenters[fra1].country</c>.</param>
/// <param name="Message">What is wrong, for the operator; never contains key material.</param>
/// <param name="Position">Where in the field's text, when the field is text with lines (a policy).</param>
/// <param name="Code">A stable machine-readable code for the finding, when there is one (e.g. <c>unknown-region</c>).</param>
public sealed record FieldError(string Field, string Message, TextPosition? Position = null, string? Code = null)
{
    /// <inheritdoc />
    public override string ToString() => Position is { } position ? $"{Field} ({position}): {Message}" : $"{Field}: {Message}";
}
