using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The keyserver's lease: registered on start with endpoints, measured capacity, accelerator and
/// applied revision; renewed every interval (driven by the test clock) and whenever a revision
/// is applied; removed on a clean shutdown; store failures are retried, never fatal.
/// </summary>
public sealed class MembershipLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(15);
    private readonly TestClock _clock = new();
    private InMemoryControlPlaneStore _inner = null!;
    private FlakyControlPlaneStore _store = null!;
    private StoreSeeder _seeder = null!;
    private ClusterHarness _fra1 = null!;

    public async Task InitializeAsync()
    {
        _inner = new InMemoryControlPlaneStore(_clock);
        _store = new FlakyControlPlaneStore(_inner);
        _seeder = new StoreSeeder(_inner, _clock);
        await _seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
        _fra1 = await ClusterHarness.StartAsync(_store, "fra1", _clock, new Dictionary<string, string?>
        {
            ["KeyServer:Admission:Accelerator"] = "qat",
            ["KeyServer:Admission:AcceleratorMultiplier"] = "4",
            ["Cluster:AdvertisedEndpoints:0"] = "grpc://10.0.0.5:7443",
            ["Cluster:AdvertisedEndpoints:1"] = "keyless://10.0.0.5:2407",
            ["Cluster:LeaseTimeToLive"] = "00:00:15",
            ["Cluster:LeaseRenewInterval"] = "00:00:05",
        });
        await StoreWaits.WhenLeasesAsync(_store, leases => leases.Count == 1);
    }

    public async Task DisposeAsync()
    {
        await _fra1.DisposeAsync();
        _seeder.Dispose();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Lease_IsRegisteredOnStart_WithEndpointsAcceleratorAndAppliedRevision()
    {
        var lease = Assert.Single(await _inner.ReadLiveLeasesAsync(CancellationToken.None));

        Assert.Equal("ks-fra1", lease.KeyserverId);
        Assert.Equal("fra1", lease.DatacenterId);
        Assert.Equal(new[] { "grpc://10.0.0.5:7443", "keyless://10.0.0.5:2407" }, lease.Endpoints.ToArray());
        Assert.Equal("qat", lease.Accelerator);
        Assert.Equal(_fra1.State.AppliedRevision, lease.AppliedRevision);
        Assert.True(lease.AppliedRevision >= 1);
        Assert.Equal(_clock.GetUtcNow() + TimeToLive, lease.ExpiresAt);
    }

    [Fact]
    public async Task Renewal_ReportsTheMeasuredCapacity_WithTheAcceleratorMultiplier()
    {
        var capacity = _fra1.Services.GetRequiredService<CapacityState>();
        capacity.Record(KeyAlgorithm.EcdsaP256, TimeSpan.FromMilliseconds(1), workers: 2);
        capacity.Record(KeyAlgorithm.Ed25519, TimeSpan.FromMilliseconds(1), workers: 2);

        _clock.Advance(RenewInterval);
        var lease = Assert.Single(await StoreWaits.WhenLeasesAsync(_store, leases => leases.Single().Capacity.Count == 2));

        Assert.Equal(8000, lease.Capacity["ecdsa-p256"], precision: 6);
        Assert.Equal(2000, lease.Capacity["ed25519"], precision: 6);
    }

    [Fact]
    public async Task Lease_IsRenewedEveryInterval_AndOutlivesItsFirstTimeToLive()
    {
        var started = _clock.GetUtcNow();
        for (var i = 1; i <= 4; i++)
        {
            var renewals = _store.Renewals;
            _clock.Advance(RenewInterval);
            await StoreWaits.WhenLeasesAsync(_store, _ => _store.Renewals > renewals);
        }

        var lease = Assert.Single(await _inner.ReadLiveLeasesAsync(CancellationToken.None));
        Assert.Equal(started + (4 * RenewInterval), lease.RenewedAt);
        Assert.True(_clock.GetUtcNow() > started + TimeToLive);
    }

    [Fact]
    public async Task Lease_IsRenewedAtOnce_WhenANewRevisionIsApplied()
    {
        var revision = await _seeder.CreatePolicyAsync("nowhere", "none");
        await _fra1.WhenAppliedAsync(revision);

        var lease = Assert.Single(await StoreWaits.WhenLeasesAsync(_store, leases => leases.Single().AppliedRevision == revision));

        Assert.Equal(revision, lease.AppliedRevision);
    }

    [Fact]
    public async Task Lease_IsRemovedOnCleanShutdown()
    {
        await _fra1.StopAsync();

        Assert.Empty(await _inner.ReadLiveLeasesAsync(CancellationToken.None));
        Assert.Contains(_fra1.Logs.Entries, e => e.EventId.Name == "LeaseRemoved");
    }

    [Fact]
    public async Task StoreFailure_DuringRenewal_IsLoggedAndRetried_AndTheLeaseComesBack()
    {
        var renewed = (await _inner.ReadLiveLeasesAsync(CancellationToken.None)).Single().RenewedAt;
        _store.Down = true;
        var failures = _store.Failures;
        _clock.Advance(RenewInterval);
        await _fra1.Logs.WhenLoggedAsync("StoreFailed", e => e.Message.Contains("lease", StringComparison.Ordinal));

        _store.Down = false;
        _clock.Advance(RenewInterval);
        var lease = Assert.Single(await StoreWaits.WhenLeasesAsync(_store, leases => leases.Single().RenewedAt > renewed));

        Assert.True(_store.Failures > failures);
        Assert.Equal(renewed + (2 * RenewInterval), lease.RenewedAt);
    }
}
