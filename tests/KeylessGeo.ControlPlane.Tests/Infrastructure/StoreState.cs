using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>What the store holds at one moment, to prove a refused operation changed nothing.</summary>
public sealed record StoreState(long Revision, ControlPlaneSnapshot Snapshot, int AuditCount)
{
    public static async Task<StoreState> CaptureAsync(IControlPlaneStore store)
    {
        var audit = await store.ReadAuditAsync(1, 100_000, CancellationToken.None);
        return new StoreState(await store.GetRevisionAsync(CancellationToken.None), await store.ReadSnapshotAsync(CancellationToken.None), audit.Count);
    }

    /// <summary>Asserts the store is exactly as captured: same revision, the very same snapshot, no new audit entry.</summary>
    public async Task AssertUnchangedAsync(IControlPlaneStore store)
    {
        var now = await CaptureAsync(store);
        Assert.Equal(Revision, now.Revision);
        Assert.Same(Snapshot, now.Snapshot);
        Assert.Equal(AuditCount, now.AuditCount);
    }
}
