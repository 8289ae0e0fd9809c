using KeylessGeo.ControlPlane.Store;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// Where the keyservers of one region keep their Orleans membership table (section
/// <c>Cluster:Membership</c>). See docs/CLUSTER.md, "Membership", for which kind to choose.
/// </summary>
public sealed record MembershipOptions
{
    /// <summary>Files in a directory shared by the keyserver processes of one machine (the default).</summary>
    public const string EmbeddedKind = "embedded";

    /// <summary>Tables of our own in the control-plane PostgreSQL database.</summary>
    public const string PostgresKind = "postgresql";

    /// <summary>Orleans's Redis membership table and Redis grain directory.</summary>
    public const string RedisKind = "redis";

    /// <summary>The folder under the embedded control-plane store's data directory used when <see cref="Directory"/> is empty.</summary>
    public const string DefaultDirectoryName = "membership";

    /// <summary><c>embedded</c> (the default), <c>postgresql</c> or <c>redis</c>, in any letter case.</summary>
    public string Kind { get; init; } = EmbeddedKind;

    /// <summary>
    /// Embedded only: the directory holding one membership file per cluster id (created 0700 when
    /// missing). Empty means <c>&lt;Cluster:Store:DataDirectory&gt;/membership</c> when the
    /// control-plane store is embedded; required otherwise.
    /// </summary>
    public string? Directory { get; init; }

    /// <summary>
    /// Redis: a StackExchange.Redis configuration string (required). PostgreSQL: an Npgsql
    /// connection string; empty means the control-plane store's <c>Cluster:Store:ConnectionString</c>.
    /// Never logged or echoed in errors.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>Whether <see cref="Kind"/> names the embedded file table.</summary>
    public bool IsEmbedded => Is(EmbeddedKind);

    /// <summary>Whether <see cref="Kind"/> names the PostgreSQL table.</summary>
    public bool IsPostgres => Is(PostgresKind);

    /// <summary>Whether <see cref="Kind"/> names Redis.</summary>
    public bool IsRedis => Is(RedisKind);

    /// <summary>
    /// The embedded table's directory: <see cref="Directory"/>, else the default folder under an
    /// embedded control-plane store's data directory; null when neither is set.
    /// </summary>
    public string? ResolveDirectory(ControlPlaneStoreOptions? store)
    {
        if (!string.IsNullOrWhiteSpace(Directory))
        {
            return Path.GetFullPath(Directory);
        }

        return store is { IsEmbedded: true } && !string.IsNullOrWhiteSpace(store.DataDirectory)
            ? Path.GetFullPath(Path.Combine(store.DataDirectory, DefaultDirectoryName))
            : null;
    }

    /// <summary>
    /// The PostgreSQL table's connection string: <see cref="ConnectionString"/>, else a
    /// PostgreSQL control-plane store's; null when neither is set.
    /// </summary>
    public string? ResolvePostgresConnectionString(ControlPlaneStoreOptions? store)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        return store is { IsPostgres: true } && !string.IsNullOrWhiteSpace(store.ConnectionString) ? store.ConnectionString : null;
    }

    private bool Is(string kind) => string.Equals(Kind?.Trim(), kind, StringComparison.OrdinalIgnoreCase);
}
