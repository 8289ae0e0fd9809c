using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Keyservers;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Keyservers;

/// <summary>Which live keyservers the freshest view of their Orleans cluster lists as up.</summary>
public sealed class ClusterViewsTests
{
    private const string Eu = "keylessgeo-eu";
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Regions = new(StringComparer.Ordinal)
    {
        ["fra1"] = "EU",
        ["ams1"] = "EU",
        ["sfo1"] = "NA",
    };

    [Fact]
    public void Of_WhenTheFreshestViewListsIt_IsActive()
    {
        var a = Lease("ks-a", "fra1", Eu, ["ks-a", "ks-b"], version: 4, renewedSeconds: 0);
        var b = Lease("ks-b", "ams1", Eu, ["ks-a", "ks-b"], version: 4, renewedSeconds: 1);

        var views = ClusterViews.From([a, b], Regions);

        Assert.Equal(ClusterStanding.Active, views.Of(a));
        Assert.Equal(ClusterStanding.Active, views.Of(b));
    }

    [Fact]
    public void Of_WhenANewerViewOfItsClusterDoesNotListIt_IsNotInCluster()
    {
        // ks-a was killed: its last lease still lists itself at version 4; ks-b saw it declared dead at 5.
        var a = Lease("ks-a", "fra1", Eu, ["ks-a", "ks-b"], version: 4, renewedSeconds: 0);
        var b = Lease("ks-b", "ams1", Eu, ["ks-b"], version: 5, renewedSeconds: 1);

        var views = ClusterViews.From([a, b], Regions);

        Assert.Equal(ClusterStanding.NotInCluster, views.Of(a));
        Assert.Equal(ClusterStanding.Active, views.Of(b));
    }

    [Fact]
    public void Of_WhenTheViewThatOmitsItIsOlderThanItsOwn_IsActiveByItsOwnNewerView()
    {
        // ks-c joined at version 6 after ks-b read version 5, although ks-b renewed later.
        var b = Lease("ks-b", "ams1", Eu, ["ks-b"], version: 5, renewedSeconds: 10);
        var c = Lease("ks-c", "fra1", Eu, ["ks-b", "ks-c"], version: 6, renewedSeconds: 0);

        var views = ClusterViews.From([b, c], Regions);

        Assert.Equal(ClusterStanding.Active, views.Of(c));
        Assert.Equal(ClusterStanding.Active, views.Of(b));
    }

    [Fact]
    public void Of_AJoiningKeyserverWithNoViewYet_IsJudgedByRenewalTime()
    {
        var b = Lease("ks-b", "ams1", Eu, ["ks-b"], version: 5, renewedSeconds: 10);
        var joinedLater = Lease("ks-late", "fra1", Eu, [], version: 0, renewedSeconds: 11);
        var renewedBefore = Lease("ks-early", "fra1", Eu, [], version: 0, renewedSeconds: 9);

        var views = ClusterViews.From([b, joinedLater, renewedBefore], Regions);

        Assert.Equal(ClusterStanding.Unknown, views.Of(joinedLater));
        Assert.Equal(ClusterStanding.NotInCluster, views.Of(renewedBefore));
    }

    [Fact]
    public void Of_WithNoViewOfItsCluster_IsUnknown()
    {
        var a = Lease("ks-a", "fra1", Eu, [], version: 0, renewedSeconds: 0);
        var standalone = Lease("ks-x", "sfo1", "", [], version: 0, renewedSeconds: 0);
        var otherCluster = Lease("ks-n", "sfo1", "keylessgeo-na", ["ks-n"], version: 9, renewedSeconds: 5);

        var views = ClusterViews.From([a, standalone, otherCluster], Regions);

        Assert.Equal(ClusterStanding.Unknown, views.Of(a));
        Assert.Equal(ClusterStanding.Active, views.Of(otherCluster));
    }

    [Fact]
    public void Of_AKeyserverWithoutASilo_IsJudgedByItsRegionsFreshestView_OrKeepsItsLeaseOnlyStanding()
    {
        var b = Lease("ks-b", "ams1", Eu, ["ks-b"], version: 5, renewedSeconds: 10);
        var noSiloEu = Lease("ks-plain-eu", "fra1", "", [], version: 0, renewedSeconds: 3);
        var noSiloNa = Lease("ks-plain-na", "sfo1", "", [], version: 0, renewedSeconds: 3);
        var unknownDatacenter = Lease("ks-plain-x", "zzz1", "", [], version: 0, renewedSeconds: 3);

        var views = ClusterViews.From([b, noSiloEu, noSiloNa, unknownDatacenter], Regions);

        Assert.Equal(ClusterStanding.NotInCluster, views.Of(noSiloEu));
        Assert.Equal(ClusterStanding.Unknown, views.Of(noSiloNa));
        Assert.Equal(ClusterStanding.Unknown, views.Of(unknownDatacenter));
    }

    [Fact]
    public void From_PrefersTheHigherMembershipVersion_OverTheLaterRenewal()
    {
        // ks-b's clock-later renewal carries an older membership version than ks-c's.
        var a = Lease("ks-a", "fra1", Eu, ["ks-a", "ks-b", "ks-c"], version: 4, renewedSeconds: 0);
        var b = Lease("ks-b", "ams1", Eu, ["ks-a", "ks-b", "ks-c"], version: 4, renewedSeconds: 20);
        var c = Lease("ks-c", "fra1", Eu, ["ks-b", "ks-c"], version: 5, renewedSeconds: 10);

        var views = ClusterViews.From([a, b, c], Regions);

        Assert.Equal(ClusterStanding.NotInCluster, views.Of(a));
    }

    [Fact]
    public void Of_ViewsOfAnotherCluster_SayNothingAboutIt()
    {
        var eu = Lease("ks-a", "fra1", Eu, ["ks-a"], version: 1, renewedSeconds: 0);
        var other = Lease("ks-o", "ams1", "custom-cluster", ["ks-o"], version: 50, renewedSeconds: 30);

        var views = ClusterViews.From([eu, other], Regions);

        Assert.Equal(ClusterStanding.Active, views.Of(eu));
        Assert.Equal(ClusterStanding.Active, views.Of(other));
    }

    [Theory]
    [InlineData(ClusterStanding.NotInCluster, true, 10, "not-in-cluster")]
    [InlineData(ClusterStanding.NotInCluster, false, 10, "not-in-cluster")]
    [InlineData(ClusterStanding.Active, true, 10, "serving")]
    [InlineData(ClusterStanding.Active, true, 9, "catching-up")]
    [InlineData(ClusterStanding.Active, false, 10, "no-policy-key")]
    [InlineData(ClusterStanding.Unknown, true, 10, "serving")]
    [InlineData(ClusterStanding.Unknown, true, 9, "catching-up")]
    public void PlacementStatus_NotInClusterComesFirst_OtherwiseAsByTheLeaseAlone(ClusterStanding standing, bool holdsPolicyKey, long applied, string expected)
    {
        var lease = Lease("ks-a", "fra1", Eu, [], version: 0, renewedSeconds: 0) with { AppliedRevision = applied };

        Assert.Equal(expected, KeyPlacementService.StatusOf(lease, standing, holdsPolicyKey, stateRevision: 10));
    }

    private static KeyserverLease Lease(string id, string datacenter, string clusterId, string[] members, long version, int renewedSeconds) => new()
    {
        KeyserverId = id,
        DatacenterId = datacenter,
        ClusterId = clusterId,
        ClusterMembers = [.. members],
        ClusterVersion = version,
        RenewedAt = T0.AddSeconds(renewedSeconds),
        ExpiresAt = T0.AddSeconds(renewedSeconds + 15),
    };
}
