namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// How far one process has followed the data directory: the state it holds in memory, the
/// commit-log file and offset its next record would come from, the last record it read there
/// (to notice that record being cut or edited) and the snapshot file it last looked at.
/// </summary>
/// <param name="State">The committed state at the position.</param>
/// <param name="Generation">The commit-log generation being followed.</param>
/// <param name="Offset">Where the next record starts in that generation's file.</param>
/// <param name="LastFramed">The bytes of the record that ends at <paramref name="Offset"/> (empty at a generation's start).</param>
/// <param name="SnapshotStamp">The stamp of <c>state.json</c> when last read.</param>
internal sealed record FollowPosition(LiveState State, long Generation, long Offset, byte[] LastFramed, FileStamp? SnapshotStamp);
