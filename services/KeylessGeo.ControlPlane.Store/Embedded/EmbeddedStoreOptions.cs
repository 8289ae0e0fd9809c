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

        return errors;
    }
}
