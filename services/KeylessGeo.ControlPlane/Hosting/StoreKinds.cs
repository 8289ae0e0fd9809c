namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>The values of <see cref="StoreOptions.Kind"/>.</summary>
public static class StoreKinds
{
    /// <summary>Files in a data directory on one machine.</summary>
    public const string Embedded = "embedded";

    /// <summary>A PostgreSQL database, for a cluster.</summary>
    public const string PostgreSql = "postgresql";

    /// <summary>Memory only: tests and demos.</summary>
    public const string InMemory = "in-memory";

    /// <summary>Every kind, for messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Embedded, PostgreSql, InMemory];
}
