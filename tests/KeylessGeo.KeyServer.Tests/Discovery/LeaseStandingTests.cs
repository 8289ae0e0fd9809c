using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Discovery;

namespace KeylessGeo.KeyServer.Tests.Discovery;

public sealed class LeaseStandingTests
{
    private const string Eu = "keylessgeo-EU";
    private const string Na = "keylessgeo-NA";

    [Fact]
    public void AKeyserverWithoutASilo_IsUpWhileItsLeaseIsLive()
    {
        var lease = Lease("ks-edge", "", 0);

        Assert.True(LeaseStanding.From([lease], ClusterView.None).IsUp(lease));
    }

    [Fact]
    public void InThisKeyserversOwnCluster_TheLocalMembershipViewDecides()
    {
        // The leases still list ks-b (it was killed a moment ago); the local silo has dropped it.
        var a = Lease("ks-a", Eu, 7, "ks-a", "ks-b");
        var b = Lease("ks-b", Eu, 7, "ks-a", "ks-b");
        var local = new ClusterView(Eu, ["ks-a"], 8, Complete: true);

        var standing = LeaseStanding.From([a, b], local);

        Assert.True(standing.IsUp(a));
        Assert.False(standing.IsUp(b));
    }

    [Fact]
    public void AnIncompleteLocalView_DoesNotDeclareAMissingMemberDown()
    {
        var b = Lease("ks-b", Eu, 7, "ks-a", "ks-b");
        var local = new ClusterView(Eu, ["ks-a"], 8, Complete: false);

        Assert.True(LeaseStanding.From([b], local).IsUp(b));
    }

    [Fact]
    public void InAnotherCluster_TheFreshestAdvertisedViewDecides_WhenItIsNewerThanTheKeyserversOwn()
    {
        var survivor = Lease("ks-sfo1", Na, 12, "ks-sfo1");
        var dead = Lease("ks-iad1", Na, 11, "ks-iad1", "ks-sfo1");
        var joining = Lease("ks-iad2", Na, 12);
        var newer = Lease("ks-iad3", Na, 13, "ks-iad3", "ks-sfo1");
        var local = new ClusterView(Eu, ["ks-fra1"], 3, Complete: true);

        var standing = LeaseStanding.From([survivor, dead, joining, newer], local);

        Assert.True(standing.IsUp(survivor));
        Assert.False(standing.IsUp(dead));
        Assert.False(standing.IsUp(joining));
        Assert.True(standing.IsUp(newer));
    }

    private static KeyserverLease Lease(string id, string clusterId, long version, params string[] members) => new()
    {
        KeyserverId = id,
        DatacenterId = "dc1",
        ClusterId = clusterId,
        ClusterVersion = members.Length > 0 ? version : 0,
        ClusterMembers = [.. members],
    };
}
