using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>The outcome of a commit: its revision and the audit entry written with it.</summary>
public sealed record CommitResult(long Revision, AuditEntry Audit);
