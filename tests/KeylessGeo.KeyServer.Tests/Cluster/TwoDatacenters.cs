using KeylessGeo.ControlPlane.Store.InMemory;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The usual cluster of these tests: one in-memory store with the topology fra1 (EU, DE) and
/// sfo1 (NA, US), a keyserver in each (which registered its wrapping key on start), and the
/// policy <c>eu-only</c> (<c>region: EU</c>).
/// </summary>
internal sealed class TwoDatacenters : IAsyncDisposable
{
    private TwoDatacenters(InMemoryControlPlaneStore store, StoreSeeder seeder)
    {
        Store = store;
        Seeder = seeder;
    }

    public InMemoryControlPlaneStore Store { get; }

    public StoreSeeder Seeder { get; }

    public ClusterHarness Fra1 { get; private set; } = null!;

    public ClusterHarness Sfo1 { get; private set; } = null!;

    public static async Task<TwoDatacenters> StartAsync(IDictionary<string, string?>? fra1Settings = null)
    {
        var store = new InMemoryControlPlaneStore();
        var cluster = new TwoDatacenters(store, new StoreSeeder(store));
        try
        {
            await cluster.Seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
            cluster.Fra1 = await ClusterHarness.StartAsync(store, "fra1", settings: fra1Settings);
            cluster.Sfo1 = await ClusterHarness.StartAsync(store, "sfo1");
            await StoreWaits.WhenWrappingKeysRegisteredAsync(store, "fra1", "sfo1");
            await cluster.Seeder.CreatePolicyAsync("eu-only", "region: EU");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until both keyservers applied <paramref name="revision"/>; returns it.</summary>
    public async Task<long> AppliedAsync(long revision)
    {
        await Fra1.WhenAppliedAsync(revision);
        await Sfo1.WhenAppliedAsync(revision);
        return revision;
    }

    public async ValueTask DisposeAsync()
    {
        if (Fra1 is not null)
        {
            await Fra1.DisposeAsync();
        }

        if (Sfo1 is not null)
        {
            await Sfo1.DisposeAsync();
        }

        Seeder.Dispose();
        await Store.DisposeAsync();
    }
}
