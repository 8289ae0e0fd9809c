using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// One commit as the commit log holds it: the change set as the writer applied it, its sealed
/// audit entry and where <c>audit.log</c> ends after that entry, and how far the change feed was
/// trimmed. Replaying a record on the state of the revision before it gives exactly the
/// writer's state, whatever retention the reading process is configured with.
/// </summary>
internal sealed record CommitLogRecord
{
    /// <summary>The commit's revision: one more than the record before it (or the snapshot).</summary>
    public required long Revision { get; init; }

    /// <summary>What the commit changed.</summary>
    public required ChangeSet Changes { get; init; }

    /// <summary>The commit's audit entry (also the line appended to <c>audit.log</c>).</summary>
    public required AuditEntry Audit { get; init; }

    /// <summary><c>audit.log</c>'s committed length after <see cref="Audit"/>.</summary>
    public required long AuditLength { get; init; }

    /// <summary>The newest revision dropped from the change feed after this commit.</summary>
    public required long ChangesTruncatedThrough { get; init; }
}
