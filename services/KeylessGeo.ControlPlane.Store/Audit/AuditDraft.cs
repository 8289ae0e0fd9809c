namespace KeylessGeo.ControlPlane.Store.Audit;

/// <summary>What a change tells the audit log; the store adds sequence, time and hashes.</summary>
/// <param name="Actor">Who made the change (operator identity, or a keyserver id).</param>
/// <param name="Action">A stable verb such as <c>policy.update</c> or <c>key.import</c>.</param>
/// <param name="Subject">The record acted on, e.g. <c>policy/eu-only</c>.</param>
/// <param name="Details">Canonical JSON with what changed (never key material).</param>
public sealed record AuditDraft(string Actor, string Action, string Subject, string Details);
