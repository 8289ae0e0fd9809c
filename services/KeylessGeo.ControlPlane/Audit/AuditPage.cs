using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Audit;

/// <summary>A page of the audit log.</summary>
/// <param name="Entries">Oldest first.</param>
/// <param name="NextSequence">Where the next page starts, or null at the end of the log.</param>
public sealed record AuditPage(ImmutableArray<AuditEntryView> Entries, long? NextSequence);
