namespace KeylessGeo.Policy.Validation;

/// <summary>How serious a <see cref="PolicyIssue"/> is.</summary>
public enum PolicyIssueSeverity
{
    /// <summary>The policy is accepted, but probably not what was meant.</summary>
    Warning,

    /// <summary>The policy is rejected.</summary>
    Error,
}
