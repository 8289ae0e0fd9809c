namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// How far back a <see cref="ControlPlaneState"/>'s per-record revisions reach: a state re-synced
/// from a snapshot learns them from the retained change feed, which may have dropped older changes.
/// </summary>
/// <param name="Truncated">The feed had dropped changes at or before the snapshot: a record with no revision was written before <see cref="Earliest"/>.</param>
/// <param name="Earliest">The earliest revision the feed still held (the snapshot's revision when it held none).</param>
internal sealed record StateHistory(bool Truncated, long Earliest)
{
    /// <summary>Before any history was read: nothing is known to be missing.</summary>
    public static StateHistory Unknown { get; } = new(false, 0);
}
