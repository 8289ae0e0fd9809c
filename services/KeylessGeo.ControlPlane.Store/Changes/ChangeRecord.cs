namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>One record touched by one commit, as the change feed reports it.</summary>
/// <param name="Revision">The commit's revision.</param>
/// <param name="Kind">The kind of record.</param>
/// <param name="Id">The record's id (datacenter id for wrapping keys).</param>
/// <param name="Deleted">True when the commit removed the record.</param>
public sealed record ChangeRecord(long Revision, ChangeKind Kind, string Id, bool Deleted);
