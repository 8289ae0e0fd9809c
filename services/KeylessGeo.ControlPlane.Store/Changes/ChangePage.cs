namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>A page of the change feed.</summary>
/// <param name="Changes">Oldest first.</param>
/// <param name="LatestRevision">The store's latest revision when the page was read.</param>
/// <param name="Truncated">Changes after the requested revision were dropped from retention: read a snapshot.</param>
public sealed record ChangePage(IReadOnlyList<ChangeRecord> Changes, long LatestRevision, bool Truncated);
