using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Placement;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// First start generates the datacenter wrapping key file and registers its public half in one
/// audited commit; keyservers sharing the file find it registered; a different registered key
/// is a logged error the keyserver survives.
/// </summary>
public sealed class WrappingKeyRegistrationTests : IAsyncLifetime
{
    private readonly InMemoryControlPlaneStore _inner = new();
    private readonly TempDirectory _directory = new();
    private FlakyControlPlaneStore _store = null!;
    private StoreSeeder _seeder = null!;

    private string KeyPath => Path.Combine(_directory.Path, "fra1-wrapping-key.pem");

    public async Task InitializeAsync()
    {
        _store = new FlakyControlPlaneStore(_inner);
        _seeder = new StoreSeeder(_inner);
        await _seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
    }

    public async Task DisposeAsync()
    {
        _seeder.Dispose();
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task FirstStart_GeneratesAPrivateKeyFile_AndRegistersItsPublicKeyInOneAuditedCommit()
    {
        var before = await _inner.GetRevisionAsync(CancellationToken.None);
        await using var fra1 = await StartAsync("ks-fra1-a");

        await WhenRegistrationDecidedAsync(fra1);

        Assert.Equal(WrappingKeyRegistrationOutcome.Registered, fra1.Membership.Registration);
        Assert.True(fra1.WrappingKey.Created);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        var snapshot = await _inner.ReadSnapshotAsync(CancellationToken.None);
        var registered = snapshot.FindWrappingKey("fra1")!;
        Assert.Equal(fra1.WrappingKey.Fingerprint, registered.Fingerprint);
        Assert.Equal(fra1.WrappingKey.Key.PublicKey, registered.PublicKey);
        Assert.Equal(before + 1, snapshot.Revision);
        var audit = (await _inner.ReadAuditAsync(1, 100, CancellationToken.None))[^1];
        Assert.Equal(("ks-fra1-a", "datacenter.register-key", "datacenter/fra1"), (audit.Actor, audit.Action, audit.Subject));
        Assert.Contains(registered.Fingerprint, audit.Details, StringComparison.Ordinal);
        Assert.Contains(fra1.Logs.Entries, e => e.EventId.Name == "WrappingKeyCreated");
    }

    [Fact]
    public async Task SecondKeyserverOfTheDatacenter_SharingTheKeyFile_FindsItRegistered()
    {
        await using var first = await StartAsync("ks-fra1-a");
        await WhenRegistrationDecidedAsync(first);
        var revision = await _inner.GetRevisionAsync(CancellationToken.None);

        await using var second = await StartAsync("ks-fra1-b");
        await WhenRegistrationDecidedAsync(second);

        Assert.Equal(WrappingKeyRegistrationOutcome.AlreadyRegistered, second.Membership.Registration);
        Assert.False(second.WrappingKey.Created);
        Assert.Equal(first.WrappingKey.Fingerprint, second.WrappingKey.Fingerprint);
        Assert.Equal(revision, await _inner.GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DifferentKeyRegistered_IsLoggedAsAnErrorNamingBothFingerprints_AndTheKeyserverKeepsRunning()
    {
        using var other = DatacenterWrappingKey.Generate();
        await _seeder.RegisterWrappingKeyAsync("fra1", other.Public);

        await using var fra1 = await StartAsync("ks-fra1-a");
        await WhenRegistrationDecidedAsync(fra1);
        var renewals = _store.Renewals;
        await _seeder.CreatePolicyAsync("nowhere", "none");
        await _store.WhenAsync(s => s.Renewals > renewals, ClusterHarness.Guard());

        Assert.Equal(WrappingKeyRegistrationOutcome.Conflict, fra1.Membership.Registration);
        var conflict = Assert.Single(fra1.Logs.Entries, e => e.EventId.Name == "WrappingKeyConflict");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, conflict.Level);
        Assert.Contains(other.Fingerprint, conflict.Message, StringComparison.Ordinal);
        Assert.Contains(fra1.WrappingKey.Fingerprint, conflict.Message, StringComparison.Ordinal);
        Assert.Equal(other.Fingerprint, (await _inner.ReadSnapshotAsync(CancellationToken.None)).FindWrappingKey("fra1")!.Fingerprint);
        Assert.Single(await _inner.ReadLiveLeasesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RegistrationTurnedOff_LeavesTheStoreUnchanged_AndWarns()
    {
        var revision = await _inner.GetRevisionAsync(CancellationToken.None);

        await using var fra1 = await StartAsync("ks-fra1-a", new Dictionary<string, string?> { ["Cluster:RegisterWrappingKey"] = "false" });
        await WhenRegistrationDecidedAsync(fra1);

        Assert.Equal(WrappingKeyRegistrationOutcome.NotRegistered, fra1.Membership.Registration);
        Assert.Equal(revision, await _inner.GetRevisionAsync(CancellationToken.None));
        Assert.Contains(fra1.Logs.Entries, e => e.EventId.Name == "WrappingKeyNotRegistered");
    }

    [Fact]
    public async Task StoreDownAtStart_RegistersOnceItAnswers()
    {
        var clock = new TestClock();
        _store.Down = true;
        await using var fra1 = await StartAsync("ks-fra1-a", time: clock);
        await fra1.Logs.WhenLoggedAsync("StoreFailed", e => e.Message.Contains("wrapping key", StringComparison.Ordinal));
        Assert.Equal(WrappingKeyRegistrationOutcome.Pending, fra1.Membership.Registration);

        _store.Down = false;
        await clock.WhenTimerDueWithinAsync(TimeSpan.FromSeconds(5), ClusterHarness.Guard());
        clock.Advance(TimeSpan.FromSeconds(5));
        await WhenRegistrationDecidedAsync(fra1);

        Assert.Equal(WrappingKeyRegistrationOutcome.Registered, fra1.Membership.Registration);
    }

    private Task<ClusterHarness> StartAsync(string keyserverId, Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        settings ??= [];
        settings["Cluster:WrappingKeyPath"] = KeyPath;
        return ClusterHarness.StartAsync(_store, "fra1", time, settings, keyserverId);
    }

    // The check runs before the first lease renewal, so a renewal seen after it proves the outcome is set.
    private Task WhenRegistrationDecidedAsync(ClusterHarness harness) =>
        _store.WhenAsync(_ => harness.Membership.Registration != WrappingKeyRegistrationOutcome.Pending, ClusterHarness.Guard());
}
