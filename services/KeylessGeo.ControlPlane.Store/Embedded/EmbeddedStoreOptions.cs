using KeylessGeo.ControlPlane.Store.Changes;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>Settings of an <see cref="EmbeddedControlPlaneStore"/>.</summary>
public sealed record EmbeddedStoreOptions
{
    /// <summary>The data directory; created (0700) when missing. Every process of one cluster opens the same one.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>How long a commit waits for another writer's lock before it reports the store unavailable.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a waiting change-feed reader re-reads the revision, as a fallback to file-system
    /// events. Real time: the store's <see cref="TimeProvider"/> stamps data, it does not pace I/O.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How many change records the feed keeps (whole revisions are dropped beyond it).</summary>
    public int ChangeRetention { get; init; } = ChangeFeedRetention.DefaultRecords;

    /// <summary>
    /// Once the commit log holds this many bytes and at least as many as the snapshot, a commit
    /// starts a compaction in the background (so rewriting the snapshot costs each commit at most
    /// about its own size again, and a restart replays at most a snapshot's worth of log).
    /// 0 turns automatic compaction off; <see cref="EmbeddedControlPlaneStore.CompactAsync"/> still works.
    /// </summary>
    public long CompactionMinimumLogBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Diagnostics for crash tests: called at each step of a compaction, which waits for it.</summary>
    internal Func<CompactionStep, CancellationToken, Task>? CompactionStepReached { get; init; }

    /// <summary>Every problem with these settings, each naming its field; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add("DataDirectory: required for the embedded store");
        }

        if (LockTimeout <= TimeSpan.Zero)
        {
            errors.Add($"LockTimeout: must be positive, was {LockTimeout}");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            errors.Add($"PollInterval: must be positive, was {PollInterval}");
        }

        if (ChangeRetention < 1)
        {
            errors.Add($"ChangeRetention: must be at least 1, was {ChangeRetention}");
        }

        if (CompactionMinimumLogBytes < 0)
        {
            errors.Add($"CompactionMinimumLogBytes: must be 0 (off) or positive, was {CompactionMinimumLogBytes}");
        }

        return errors;
    }
}
