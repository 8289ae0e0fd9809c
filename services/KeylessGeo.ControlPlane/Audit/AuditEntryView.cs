using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.ControlPlane.Audit;

/// <summary>
/// One audit entry with every field its hash covers, so a client can recompute the chain
/// (<see cref="AuditChain.Verify"/> over <see cref="ToEntry"/>).
/// </summary>
public sealed record AuditEntryView
{
    public required long Sequence { get; init; }

    public required long Revision { get; init; }

    /// <summary>Commit time, whole milliseconds, UTC.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required string Actor { get; init; }

    public required string Action { get; init; }

    public required string Subject { get; init; }

    /// <summary>Canonical JSON, exactly as hashed (a string, not an object, so it is not re-formatted).</summary>
    public required string Details { get; init; }

    /// <summary>The previous entry's hash, lowercase hex.</summary>
    public required string PreviousHash { get; init; }

    /// <summary>This entry's hash, lowercase hex.</summary>
    public required string Hash { get; init; }

    public static AuditEntryView From(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new()
        {
            Sequence = entry.Sequence,
            Revision = entry.Revision,
            Timestamp = entry.Timestamp,
            Actor = entry.Actor,
            Action = entry.Action,
            Subject = entry.Subject,
            Details = entry.Details,
            PreviousHash = Convert.ToHexStringLower(entry.PreviousHash),
            Hash = Convert.ToHexStringLower(entry.Hash),
        };
    }

    /// <summary>The entry as the store holds it (hex decoded).</summary>
    public AuditEntry ToEntry() => new()
    {
        Sequence = Sequence,
        Revision = Revision,
        Timestamp = Timestamp,
        Actor = Actor,
        Action = Action,
        Subject = Subject,
        Details = Details,
        PreviousHash = Convert.FromHexString(PreviousHash),
        Hash = Convert.FromHexString(Hash),
    };
}
