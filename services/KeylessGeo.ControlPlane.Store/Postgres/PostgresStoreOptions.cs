using KeylessGeo.ControlPlane.Store.Changes;
using Npgsql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>Settings of a <see cref="PostgresControlPlaneStore"/>.</summary>
public sealed record PostgresStoreOptions
{
    /// <summary>An Npgsql connection string, e.g. <c>Host=db;Database=keylessgeo;Username=keylessgeo;Password=…</c>.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>How many change records the feed keeps (whole revisions are dropped beyond it).</summary>
    public int ChangeRetention { get; init; } = ChangeFeedRetention.DefaultRecords;

    /// <summary>
    /// How long the listening connection may stay quiet before the store re-reads the revision
    /// (a safety net under LISTEN/NOTIFY that also notices a silently dead connection).
    /// </summary>
    public TimeSpan ListenerHeartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause between attempts to reopen a dropped listening connection.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem with these settings, each naming its field (never echoing the connection string, which may hold a password).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("ConnectionString: required for the postgresql store");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                errors.Add($"ConnectionString: not a valid Npgsql connection string ({e.Message})");
            }
        }

        if (ChangeRetention < 1)
        {
            errors.Add($"ChangeRetention: must be at least 1, was {ChangeRetention}");
        }

        if (ListenerHeartbeat <= TimeSpan.Zero)
        {
            errors.Add($"ListenerHeartbeat: must be positive, was {ListenerHeartbeat}");
        }

        if (MaxReconnectDelay <= TimeSpan.Zero)
        {
            errors.Add($"MaxReconnectDelay: must be positive, was {MaxReconnectDelay}");
        }

        return errors;
    }
}
