namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>Which control-plane store to use (configuration section <c>ControlPlane:Store</c>).</summary>
public sealed record StoreOptions
{
    /// <summary><c>embedded</c> (the default; files in <see cref="DataDirectory"/>), <c>postgresql</c> or <c>in-memory</c> (tests and demos; lost on exit), in any letter case.</summary>
    public string Kind { get; init; } = StoreKinds.Embedded;

    /// <summary>The embedded store's directory.</summary>
    public string DataDirectory { get; init; } = "";

    /// <summary>The PostgreSQL connection string (Npgsql syntax).</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>
    /// How often the control plane checks the store for damage in the background (default 15 s).
    /// Every <c>/readyz</c> and every commit checks too; the check is incremental and cheap.
    /// </summary>
    public TimeSpan IntegrityCheckInterval { get; init; } = TimeSpan.FromSeconds(15);
}
