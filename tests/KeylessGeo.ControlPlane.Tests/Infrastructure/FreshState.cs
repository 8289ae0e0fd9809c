using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The control-plane state a fresh read of the whole store gives: one whole snapshot and the whole
/// retained change feed, no paging and no catch-up. What every follower must end equal to.
/// </summary>
internal static class FreshState
{
    public static async Task<ControlPlaneState> ReadAsync(IControlPlaneStore store)
    {
        var snapshot = await store.ReadSnapshotAsync(CancellationToken.None);
        var whole = SnapshotPage.Of(snapshot, null, Math.Max(1, snapshot.Keys.Length));
        var build = new StateResync(whole);
        build.Add(whole);
        var feed = await store.ReadChangesAsync(0, int.MaxValue, CancellationToken.None);
        build.AddHistory(feed.Changes, feed.Truncated);
        return build.Finish();
    }
}
