namespace KeylessGeo.ControlPlane.Store.Audit;

/// <summary>
/// One entry of the hash-chained audit log. <see cref="Hash"/> covers every other field,
/// including <see cref="PreviousHash"/>, so editing any stored entry breaks the chain there.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>1 for the first entry, then one more per entry, no gaps.</summary>
    public required long Sequence { get; init; }

    /// <summary>The store revision the entry's change was committed at.</summary>
    public required long Revision { get; init; }

    /// <summary>Commit time, whole milliseconds (what every store can keep exactly).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required string Actor { get; init; }

    public required string Action { get; init; }

    public required string Subject { get; init; }

    public required string Details { get; init; }

    /// <summary>The previous entry's <see cref="Hash"/>; 32 zero bytes for the first entry.</summary>
    public required byte[] PreviousHash { get; init; }

    /// <summary>SHA-256 over the entry's canonical encoding (see <see cref="AuditChain"/>).</summary>
    public required byte[] Hash { get; init; }
}
