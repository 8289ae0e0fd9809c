using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Validation;

/// <summary>
/// One validation finding.
/// </summary>
/// <param name="Severity">Error (rejects the policy) or warning.</param>
/// <param name="Code">A stable machine-readable code, e.g. <c>unknown-region</c>; see <see cref="PolicyIssueCodes"/>.</param>
/// <param name="Message">What is wrong, naming the atom and the bad value.</param>
/// <param name="Position">Where the atom's value is in the source, when known.</param>
public sealed record PolicyIssue(PolicyIssueSeverity Severity, string Code, string Message, SourcePosition? Position = null)
{
    /// <summary>Formats as <c>line 1, column 9: message</c>, or just the message without a position.</summary>
    public override string ToString() => Position is { } p ? $"{p}: {Message}" : Message;
}
