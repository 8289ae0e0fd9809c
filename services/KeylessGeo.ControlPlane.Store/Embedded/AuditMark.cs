using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Where the committed audit chain ends at one revision: how many entries of <c>audit.log</c> are
/// committed, the byte offset after them and the last of them. A snapshot and every commit-log
/// record carry one, so a crashed commit's extra line past <see cref="Length"/> is never counted.
/// </summary>
/// <param name="Revision">The revision this mark belongs to.</param>
/// <param name="Count">Committed entries (the head's sequence).</param>
/// <param name="Length"><c>audit.log</c>'s length after the committed entries.</param>
/// <param name="Head">The last committed entry (null before the first commit).</param>
internal sealed record AuditMark(long Revision, long Count, long Length, AuditEntry? Head);
