namespace KeylessGeo.ControlPlane.Store.Integrity;

/// <summary>
/// Damage a store found in its own files or tables: what is wrong, where, and what was expected.
/// Never holds key material (audit entries and file fingerprints only).
/// </summary>
public sealed record StoreIntegrityProblem
{
    /// <summary>One of <see cref="StoreIntegrityCodes"/>.</summary>
    public required string Code { get; init; }

    /// <summary>The whole finding as one sentence for an operator: the file or table, the entry, what was expected and found.</summary>
    public required string Message { get; init; }

    /// <summary>The damaged file's full path (embedded store) or table name (PostgreSQL).</summary>
    public required string Location { get; init; }

    /// <summary>The audit entry concerned, when the problem is in the audit log.</summary>
    public long? Sequence { get; init; }

    /// <summary>What the store expected to find (a size, a hash, a revision).</summary>
    public string? Expected { get; init; }

    /// <summary>What it found instead.</summary>
    public string? Found { get; init; }

    /// <summary>When the store found it (the store's clock).</summary>
    public required DateTimeOffset DetectedAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Message}";
}
