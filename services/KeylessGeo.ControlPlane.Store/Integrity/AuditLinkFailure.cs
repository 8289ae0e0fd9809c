namespace KeylessGeo.ControlPlane.Store.Integrity;

/// <summary>Why one audit entry does not follow the one before it, with what was expected and found.</summary>
internal sealed record AuditLinkFailure(long Sequence, string Reason, string Expected, string Found);
