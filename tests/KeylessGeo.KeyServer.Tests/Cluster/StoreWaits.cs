using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>Waits on a store's change feed (never by sleeping) until its contents satisfy a condition.</summary>
internal static class StoreWaits
{
    /// <summary>Completes with the first snapshot that satisfies <paramref name="condition"/>; fails after the hang guard.</summary>
    public static async Task<ControlPlaneSnapshot> WhenAsync(IControlPlaneStore store, Func<ControlPlaneSnapshot, bool> condition)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        while (true)
        {
            var snapshot = await store.ReadSnapshotAsync(guard.Token);
            if (condition(snapshot))
            {
                return snapshot;
            }

            await store.WaitForChangeAsync(snapshot.Revision, guard.Token);
        }
    }

    /// <summary>Waits until every one of <paramref name="datacenters"/> has a registered wrapping key.</summary>
    public static Task<ControlPlaneSnapshot> WhenWrappingKeysRegisteredAsync(IControlPlaneStore store, params string[] datacenters) =>
        WhenAsync(store, snapshot => datacenters.All(dc => snapshot.FindWrappingKey(dc) is not null));

    /// <summary>Waits until the live leases satisfy <paramref name="condition"/>, reading them again after every call to the store.</summary>
    public static async Task<IReadOnlyList<KeyserverLease>> WhenLeasesAsync(FlakyControlPlaneStore store, Func<IReadOnlyList<KeyserverLease>, bool> condition)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        while (true)
        {
            var called = store.NextCall();
            var leases = await store.ReadLiveLeasesAsync(guard.Token);
            if (condition(leases))
            {
                return leases;
            }

            await called.WaitAsync(guard.Token);
        }
    }
}
