using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>
/// A page of the change feed together with the current records of the ids it names, read in one
/// consistent view: <see cref="Records"/> are at <see cref="ChangePage.LatestRevision"/> of
/// <see cref="Page"/>. A named id whose record is absent was deleted by then.
/// </summary>
/// <param name="Page">The changes, oldest first, as <see cref="IControlPlaneStore.ReadChangesAsync"/> reports them.</param>
/// <param name="Records">The current records of the ids the page names.</param>
/// <param name="Complete">
/// The page holds every change committed after the requested revision up to
/// <see cref="ChangePage.LatestRevision"/>: applying the records to a copy at the requested revision
/// gives exactly the store at that revision. False when the page stopped at its maximum count
/// (read on from its last whole revision, or read a snapshot) or was truncated.
/// </param>
public sealed record ChangedRecords(ChangePage Page, RecordSet Records, bool Complete);
