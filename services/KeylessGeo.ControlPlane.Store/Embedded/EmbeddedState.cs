using System.Collections.Immutable;
using System.Text.Json.Serialization;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// A snapshot of the committed state, as <c>state.json</c> holds it: the records, the retained
/// change feed and the audit log's head at one revision, and the commit-log generation whose
/// records follow it. Compaction replaces the whole document atomically, so a snapshot, its
/// change records and the audit head it points to always belong together.
/// </summary>
internal sealed record EmbeddedState
{
    /// <summary>The document format this build writes: a snapshot followed by commit-log generations.</summary>
    public const int CurrentFormat = 2;

    /// <summary>The format of earlier builds: the whole state, rewritten per commit, no commit log. Read once to migrate.</summary>
    public const int WholeStateFormat = 1;

    /// <summary>Written first so a reader can check it from the file's first bytes.</summary>
    [JsonPropertyOrder(-2)]
    public required int Format { get; init; }

    /// <summary>Written second: <see cref="StateFileHeader"/> reads it without parsing the rest.</summary>
    [JsonPropertyOrder(-1)]
    public required long Revision { get; init; }

    /// <summary>
    /// The first commit-log generation to replay after this snapshot (its records start at
    /// <see cref="Revision"/> + 1); older generations are obsolete. 0 in a format-1 file.
    /// </summary>
    public long LogGeneration { get; init; }

    public required ControlPlaneSnapshot Snapshot { get; init; }

    /// <summary>The retained change feed, oldest first, whole revisions only.</summary>
    public ImmutableArray<ChangeRecord> Changes { get; init; } = [];

    /// <summary>The newest revision whose change records were dropped from retention (0: none).</summary>
    public long ChangesTruncatedThrough { get; init; }

    /// <summary>How many entries of <c>audit.log</c> are committed at this revision.</summary>
    public long AuditCount { get; init; }

    /// <summary><c>audit.log</c>'s length in bytes after those entries.</summary>
    public long AuditLength { get; init; }

    /// <summary>The last committed audit entry, which the next entry chains to.</summary>
    public AuditEntry? AuditHead { get; init; }

    /// <summary>The audit chain's end at this revision.</summary>
    [JsonIgnore]
    public AuditMark Audit => new(Revision, AuditCount, AuditLength, AuditHead);

    /// <summary>The state of a new data directory: nothing committed, commit-log generation 1 next.</summary>
    public static EmbeddedState Empty => new() { Format = CurrentFormat, Revision = 0, LogGeneration = 1, Snapshot = ControlPlaneSnapshot.Empty };

    /// <summary>Why the document is inconsistent, or null when it is sound.</summary>
    public string? FindInconsistency()
    {
        if (Format is not (CurrentFormat or WholeStateFormat))
        {
            return $"format {Format} is not a supported format ({WholeStateFormat} or {CurrentFormat})";
        }

        if (Format == CurrentFormat && LogGeneration < 1)
        {
            return $"the commit-log generation {LogGeneration} is not positive";
        }

        if (Revision < 0 || Snapshot.Revision != Revision)
        {
            return $"revision {Revision} does not match the snapshot's revision {Snapshot.Revision}";
        }

        if (AuditCount < 0 || AuditLength < 0 || (AuditCount == 0) != (AuditHead is null) || (AuditHead is not null && AuditHead.Sequence != AuditCount))
        {
            return $"the audit head (sequence {AuditHead?.Sequence}) does not match the audit count {AuditCount}";
        }

        return null;
    }
}
