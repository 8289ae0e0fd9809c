namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>The points a compaction passes, in order (reported to a diagnostic hook so crash tests can stop a process at each).</summary>
internal enum CompactionStep
{
    /// <summary>The next commit-log generation exists; later commits go there. The writer lock is held.</summary>
    Rotated = 1,

    /// <summary>The snapshot is written and fsynced to its temporary file, not yet renamed.</summary>
    SnapshotWritten = 2,

    /// <summary>The snapshot replaced <c>state.json</c> (directory fsynced); the older generations are not deleted yet.</summary>
    Installed = 3,

    /// <summary>The older generations are deleted.</summary>
    Done = 4,
}
