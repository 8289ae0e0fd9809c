namespace KeylessGeo.KeyServer.Cluster;

/// <summary>Which control-plane store the keyserver opens (section <c>Cluster:Store</c>).</summary>
public sealed record ClusterStoreOptions
{
    /// <summary>The embedded multi-process file store in <see cref="DataDirectory"/> (one machine).</summary>
    public const string Embedded = "embedded";

    /// <summary>PostgreSQL at <see cref="ConnectionString"/> (a cluster).</summary>
    public const string PostgreSql = "postgresql";

    /// <summary>
    /// A store held in this process only: for tests, which register their own
    /// <c>IControlPlaneStore</c> instance to share it between keyservers.
    /// </summary>
    public const string InMemoryForTests = "in-memory-for-tests";

    /// <summary><see cref="Embedded"/>, <see cref="PostgreSql"/> or <see cref="InMemoryForTests"/>.</summary>
    public string Kind { get; init; } = Embedded;

    /// <summary>The embedded store's data directory, shared by every process of one cluster.</summary>
    public string DataDirectory { get; init; } = "";

    /// <summary>The PostgreSQL connection string (Npgsql syntax).</summary>
    public string ConnectionString { get; init; } = "";
}
