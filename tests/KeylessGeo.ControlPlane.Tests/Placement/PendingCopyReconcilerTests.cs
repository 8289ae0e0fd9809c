using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Tests.Infrastructure;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Tests.Placement;

/// <summary>A keyserver registering its datacenter's key in the store itself gets the copies its policies owe it.</summary>
public sealed class PendingCopyReconcilerTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => _harness.SetUpAsync(register: false);

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task KeyRegisteredInTheStoreAfterThePolicy_GetsAPolicyKeyCopyItCanOpen()
    {
        await _harness.CreatePolicyAsync("eu", "region: EU");
        await RegisterDirectlyAsync("fra1");
        Assert.Equal(["fra1"], PendingCopyReconciler.PendingDatacenters(await _harness.SnapshotAsync()));

        var wrapped = await PendingCopyReconciler.ReconcileAsync(_harness.Services, CancellationToken.None);

        Assert.Equal(["fra1"], wrapped);
        var snapshot = await _harness.SnapshotAsync();
        Assert.Empty(PendingCopyReconciler.PendingDatacenters(snapshot));
        var policy = snapshot.FindPolicy("eu")!;
        var copy = Assert.Single(policy.WrappedKeys, c => c.DatacenterId == "fra1");
        using var opened = PolicyKeyWrapping.Unwrap(copy.Blob, _harness.DatacenterKey("fra1"), new PolicyKeyContext("eu", policy.KeyGeneration, "fra1"));
        Assert.DoesNotContain(policy.WrappedKeys, c => c.DatacenterId == "iad1");
    }

    [Fact]
    public async Task NothingPending_CommitsNothing()
    {
        await _harness.CreatePolicyAsync("eu", "region: EU");
        var before = await _harness.SnapshotAsync();

        var wrapped = await PendingCopyReconciler.ReconcileAsync(_harness.Services, CancellationToken.None);

        Assert.Empty(wrapped);
        Assert.Equal(before.Revision, (await _harness.SnapshotAsync()).Revision);
    }

    /// <summary>What a keyserver's first start does: one audited commit of its public key, no copies.</summary>
    private async Task RegisterDirectlyAsync(string datacenter)
    {
        var revision = await _harness.Store.GetRevisionAsync(CancellationToken.None);
        var key = _harness.DatacenterKey(datacenter);
        await _harness.Store.CommitAsync(new ChangeSet
        {
            Audit = new AuditDraft("ks-" + datacenter, "datacenter.register-key", "datacenter/" + datacenter, "{}"),
            UpsertWrappingKeys = [new WrappingKeyRecord { DatacenterId = datacenter, Fingerprint = key.Fingerprint, PublicKey = key.PublicKey, RegisteredAt = DateTimeOffset.UnixEpoch }],
        }, revision, CancellationToken.None);
    }
}
