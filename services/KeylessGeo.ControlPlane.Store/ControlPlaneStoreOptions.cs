using Npgsql;

namespace KeylessGeo.ControlPlane.Store;

/// <summary>
/// Which control-plane store a process uses, as configuration gives it (e.g. the <c>Store</c>
/// section: <c>Store:Kind</c>, <c>Store:DataDirectory</c>, <c>Store:ConnectionString</c>).
/// Built by <see cref="ControlPlaneStoreFactory"/>.
/// </summary>
public sealed record ControlPlaneStoreOptions
{
    /// <summary>The embedded file store: one machine, every process on the same data directory.</summary>
    public const string EmbeddedKind = "embedded";

    /// <summary>The PostgreSQL store: a cluster, every process on the same database.</summary>
    public const string PostgresKind = "postgresql";

    /// <summary><c>embedded</c> (the default) or <c>postgresql</c>, in any letter case.</summary>
    public string Kind { get; init; } = EmbeddedKind;

    /// <summary>The embedded store's data directory (required for <c>embedded</c>).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The Npgsql connection string (required for <c>postgresql</c>). Never logged or echoed in errors.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Whether <see cref="Kind"/> names the embedded store.</summary>
    public bool IsEmbedded => string.Equals(Kind?.Trim(), EmbeddedKind, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Kind"/> names the PostgreSQL store.</summary>
    public bool IsPostgres => string.Equals(Kind?.Trim(), PostgresKind, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every problem with these settings, each naming its field; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IsEmbedded && !IsPostgres)
        {
            errors.Add($"Kind: must be '{EmbeddedKind}' or '{PostgresKind}', was '{Kind}'");
            return errors;
        }

        if (IsEmbedded)
        {
            if (string.IsNullOrWhiteSpace(DataDirectory))
            {
                errors.Add($"DataDirectory: required when Kind is '{EmbeddedKind}'");
            }

            if (!string.IsNullOrWhiteSpace(ConnectionString))
            {
                errors.Add($"ConnectionString: set, but Kind is '{EmbeddedKind}' (set Kind to '{PostgresKind}' to use PostgreSQL)");
            }
        }
        else
        {
            ValidateConnectionString(errors);
            if (!string.IsNullOrWhiteSpace(DataDirectory))
            {
                errors.Add($"DataDirectory: set, but Kind is '{PostgresKind}' (the embedded store's directory is not used)");
            }
        }

        return errors;
    }

    private void ValidateConnectionString(List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add($"ConnectionString: required when Kind is '{PostgresKind}'");
            return;
        }

        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host))
            {
                errors.Add("ConnectionString: names no Host");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // The message names the bad keyword, never the value (which may be a password).
            errors.Add($"ConnectionString: not a valid Npgsql connection string ({e.Message})");
        }
    }
}
