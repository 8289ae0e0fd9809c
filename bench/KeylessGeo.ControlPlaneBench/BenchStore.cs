using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Postgres;
using KeylessGeo.Testing.Postgres;

namespace KeylessGeo.ControlPlaneBench;

/// <summary>
/// One store under measurement: the embedded store in a fresh temporary directory, or the
/// PostgreSQL store on a throwaway cluster with production durability; both removed at the end.
/// </summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly PostgresCluster? _cluster;

    private BenchStore(string name, IControlPlaneStore store, string? directory, PostgresCluster? cluster)
    {
        Name = name;
        Store = store;
        _directory = directory;
        _cluster = cluster;
    }

    /// <summary>The name in the results table.</summary>
    public string Name { get; }

    public IControlPlaneStore Store { get; }

    public static async Task<BenchStore> OpenAsync(string kind)
    {
        if (kind == "embedded")
        {
            var directory = Path.Combine(Path.GetTempPath(), "keylessgeo-cpbench-" + Guid.NewGuid().ToString("N"));
            return new BenchStore(kind, new EmbeddedControlPlaneStore(new EmbeddedStoreOptions { DataDirectory = directory }), directory, null);
        }

        var cluster = await PostgresCluster.StartAsync(durable: true);
        var connection = await cluster.CreateDatabaseAsync("cpbench_");
        return new BenchStore(kind, new PostgresControlPlaneStore(new PostgresStoreOptions { ConnectionString = connection }), null, cluster);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
