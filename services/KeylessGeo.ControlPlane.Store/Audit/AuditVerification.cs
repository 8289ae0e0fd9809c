namespace KeylessGeo.ControlPlane.Store.Audit;

/// <summary>The outcome of verifying the audit chain.</summary>
public sealed record AuditVerification
{
    /// <summary>True when every entry checked out.</summary>
    public required bool IsIntact { get; init; }

    /// <summary>How many entries verified before the first bad one (or in all).</summary>
    public required long VerifiedCount { get; init; }

    /// <summary>The sequence number of the first bad entry, when there is one.</summary>
    public long? BrokenAtSequence { get; init; }

    /// <summary>Why that entry failed.</summary>
    public string? Reason { get; init; }

    /// <summary>The last verified entry (to continue verification from it).</summary>
    public AuditEntry? Last { get; init; }

    public static AuditVerification Intact(long count, AuditEntry? last) => new() { IsIntact = true, VerifiedCount = count, Last = last };

    public static AuditVerification Broken(long count, long sequence, string reason) =>
        new() { IsIntact = false, VerifiedCount = count, BrokenAtSequence = sequence, Reason = reason };

    public override string ToString() => IsIntact
        ? $"audit chain intact: {VerifiedCount} entries verified"
        : $"audit chain broken at entry {BrokenAtSequence}: {Reason} ({VerifiedCount} entries before it verified)";
}
