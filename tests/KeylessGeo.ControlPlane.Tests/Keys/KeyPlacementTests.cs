using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Keys;

/// <summary>"Where can key K be used, and which keyservers are serving it now."</summary>
public sealed class KeyPlacementTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public async Task InitializeAsync()
    {
        await _harness.SetUpAsync(register: false);
        await _harness.RegisterAsync("fra1");
        await _harness.RegisterAsync("ams1");
        await _harness.RegisterAsync("iad1");
        await _harness.CreatePolicyAsync("eu", "region: EU and not tier: standard or dc: ams1 or dc: cdg1");
        await _harness.ImportAsync("shop", "eu", TestKeys.EcP256Pkcs8());
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Placement_ExplainsEveryDatacenter_AndWhichHoldThePolicyKey()
    {
        var placement = await _harness.Services.Placement.GetAsync("shop", CancellationToken.None);

        Assert.Equal(["ams1", "cdg1", "fra1", "iad1"], placement.Datacenters.Select(d => d.Datacenter));
        Assert.Equal(["holds-key", "awaiting-wrapping-key", "holds-key", "denied"], placement.Datacenters.Select(d => d.Status));
        Assert.Equal("dc iad1 denied: region NA did not match 'region: EU'; dc iad1 did not match 'dc: ams1'; dc iad1 did not match 'dc: cdg1'",
            placement.Datacenters.Single(d => d.Datacenter == "iad1").Explanation);
        Assert.Equal(_harness.DatacenterKey("fra1").Fingerprint, placement.Datacenters.Single(d => d.Datacenter == "fra1").WrappingKeyFingerprint);
        Assert.True(placement.StateRevisionExact);
    }

    [Fact]
    public async Task Placement_ListsLiveKeyserversInPermittedDatacenters_ServingOnlyOnceTheyAppliedTheKeysState()
    {
        var stateRevision = (await _harness.Services.Placement.GetAsync("shop", CancellationToken.None)).StateRevision;
        await LeaseAsync("ks-fra1-a", "fra1", stateRevision);
        await LeaseAsync("ks-fra1-b", "fra1", stateRevision - 1);
        await LeaseAsync("ks-cdg1", "cdg1", stateRevision);
        await LeaseAsync("ks-iad1", "iad1", stateRevision);
        await LeaseAsync("ks-ams1-expired", "ams1", stateRevision, TimeSpan.FromSeconds(5));
        _harness.Time.Advance(TimeSpan.FromSeconds(10));

        var placement = await _harness.Services.Placement.GetAsync("shop", CancellationToken.None);

        Assert.Equal(
            [("ks-cdg1", "no-policy-key"), ("ks-fra1-a", "serving"), ("ks-fra1-b", "catching-up")],
            placement.Keyservers.Select(k => (k.KeyserverId, k.Status)));
    }

    [Fact]
    public async Task Placement_StateRevisionFollowsTheKeyAndItsPolicy_NotUnrelatedChanges()
    {
        var before = (await _harness.Services.Placement.GetAsync("shop", CancellationToken.None)).StateRevision;
        await _harness.CreatePolicyAsync("other", "region: NA");
        Assert.Equal(before, (await _harness.Services.Placement.GetAsync("shop", CancellationToken.None)).StateRevision);

        var update = await _harness.UpdatePolicyAsync("eu", "region: EU");
        await LeaseAsync("ks-fra1", "fra1", update.Revision - 1);

        var placement = await _harness.Services.Placement.GetAsync("shop", CancellationToken.None);
        Assert.Equal(update.Revision, placement.StateRevision);
        Assert.Equal("catching-up", Assert.Single(placement.Keyservers).Status);
    }

    [Fact]
    public async Task Placement_AKeyserverItsClusterNoLongerListsIsNotInCluster_BeforeItsLeaseExpires()
    {
        var stateRevision = (await _harness.Services.Placement.GetAsync("shop", CancellationToken.None)).StateRevision;
        await ClusterLeaseAsync("ks-fra1-a", "fra1", stateRevision, ["ks-fra1-a", "ks-fra1-b", "ks-ams1"], version: 3);
        _harness.Time.Advance(TimeSpan.FromSeconds(1));
        await ClusterLeaseAsync("ks-fra1-b", "fra1", stateRevision, ["ks-ams1", "ks-fra1-b"], version: 4);
        await ClusterLeaseAsync("ks-ams1", "ams1", stateRevision - 1, ["ks-ams1", "ks-fra1-b"], version: 4);

        var placement = await _harness.Services.Placement.GetAsync("shop", CancellationToken.None);

        Assert.Equal(
            [("ks-ams1", "catching-up"), ("ks-fra1-a", "not-in-cluster"), ("ks-fra1-b", "serving")],
            placement.Keyservers.Select(k => (k.KeyserverId, k.Status)));
    }

    [Fact]
    public async Task Keyservers_SayWhetherTheirClusterListsThem_AndNullWhenNoViewSays()
    {
        await ClusterLeaseAsync("ks-fra1-a", "fra1", 1, ["ks-fra1-a", "ks-fra1-b"], version: 3);
        _harness.Time.Advance(TimeSpan.FromSeconds(1));
        await ClusterLeaseAsync("ks-fra1-b", "fra1", 1, ["ks-fra1-b"], version: 4);
        await LeaseAsync("ks-iad1", "iad1", 1);

        var keyservers = await _harness.Services.Keyservers.ListAsync(CancellationToken.None);

        Assert.Equal(
            [("ks-fra1-a", "keylessgeo-eu", (bool?)false), ("ks-fra1-b", "keylessgeo-eu", true), ("ks-iad1", "", null)],
            keyservers.Select(k => (k.KeyserverId, k.ClusterId, k.ClusterActive)));
    }

    [Fact]
    public async Task Keyservers_WithoutASiloInARegionWhoseClusterHasAView_AreJudgedByThatView()
    {
        await LeaseAsync("ks-plain", "ams1", 1);
        _harness.Time.Advance(TimeSpan.FromSeconds(1));
        await ClusterLeaseAsync("ks-fra1", "fra1", 1, ["ks-fra1"], version: 2);

        var keyservers = await _harness.Services.Keyservers.ListAsync(CancellationToken.None);

        Assert.Equal([("ks-fra1", (bool?)true), ("ks-plain", false)], keyservers.Select(k => (k.KeyserverId, k.ClusterActive)));
    }

    private Task<KeyserverLease> ClusterLeaseAsync(string id, string datacenter, long applied, string[] members, long version) =>
        _harness.Store.RenewLeaseAsync(
            new KeyserverLease
            {
                KeyserverId = id,
                DatacenterId = datacenter,
                AppliedRevision = applied,
                ClusterId = "keylessgeo-eu",
                ClusterMembers = [.. members.Order(StringComparer.Ordinal)],
                ClusterVersion = version,
            },
            TimeSpan.FromMinutes(1),
            CancellationToken.None);

    private Task<KeyserverLease> LeaseAsync(string id, string datacenter, long applied, TimeSpan? ttl = null) =>
        _harness.Store.RenewLeaseAsync(new KeyserverLease { KeyserverId = id, DatacenterId = datacenter, AppliedRevision = applied, Endpoints = ["grpc://10.0.0.1:7443"] }, ttl ?? TimeSpan.FromMinutes(1), CancellationToken.None);
}
