namespace KeylessGeo.ControlPlane.Audit;

/// <summary>The outcome of verifying the whole audit chain.</summary>
public sealed record AuditVerificationView
{
    public required bool Intact { get; init; }

    /// <summary>Entries verified (before the first bad one, or in all).</summary>
    public required long VerifiedCount { get; init; }

    /// <summary>The first bad entry's sequence number.</summary>
    public long? BrokenAtSequence { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Reason { get; init; }

    /// <summary>The last verified entry's hash (lowercase hex), to pin the chain's head out of band.</summary>
    public string? LastHash { get; init; }

    /// <summary>One line for operators.</summary>
    public required string Summary { get; init; }
}
