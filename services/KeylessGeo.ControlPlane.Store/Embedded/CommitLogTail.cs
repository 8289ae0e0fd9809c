namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>What a commit-log scan found after the last complete record.</summary>
internal enum CommitLogTail
{
    /// <summary>Nothing: the file ends after a complete record.</summary>
    Clean,

    /// <summary>An incomplete last record: a commit that crashed before its fsync returned, never acknowledged.</summary>
    Torn,

    /// <summary>A complete record that does not verify or parse, or bytes after one: damage, never skipped.</summary>
    Corrupt,

    /// <summary>The file does not exist (compacted away, or not created yet).</summary>
    Missing,
}
