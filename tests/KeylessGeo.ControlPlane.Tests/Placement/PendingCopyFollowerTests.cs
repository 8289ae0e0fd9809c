using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Topology;
using KeylessGeo.Placement;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.ControlPlane.Tests.Placement;

/// <summary>
/// The pending-copy follower keeps, from change pages, the same pending copies per datacenter as
/// a computation over a whole snapshot; behind the retained feed it reads a snapshot again.
/// </summary>
public sealed class PendingCopyFollowerTests : IAsyncDisposable
{
    private readonly List<ServiceHarness> _harnesses = [];
    private readonly List<DatacenterWrappingKey> _replacementKeys = [];

    [Fact]
    public async Task ASequenceOfChanges_AppliedAsPages_KeepsThePendingCopiesASnapshotGives()
    {
        var harness = await StartAsync();
        var follower = new PendingCopyFollower(harness.Store, NullLogger.Instance, pageSize: 2);
        var index = await follower.CurrentAsync(CancellationToken.None);
        Assert.Empty(index.PendingDatacenters);

        foreach (var (step, expected) in ChangeSequence(harness))
        {
            await step();
            index = await follower.CurrentAsync(CancellationToken.None);
            Assert.Equal(expected, index.PendingDatacenters);
            await AssertSameAsSnapshotAsync(harness, index);
        }

        Assert.Equal(1, follower.Resyncs);
    }

    [Fact]
    public async Task MakingThePendingCopies_EmptiesTheIndex_AtTheNextPage()
    {
        var harness = await StartAsync();
        await harness.CreatePolicyAsync("eu", "region: EU");
        await RegisterDirectlyAsync(harness, "fra1", harness.DatacenterKey("fra1"));
        await RegisterDirectlyAsync(harness, "ams1", harness.DatacenterKey("ams1"));
        var follower = new PendingCopyFollower(harness.Store, NullLogger.Instance);
        var index = await follower.CurrentAsync(CancellationToken.None);
        Assert.Equal(["ams1", "fra1"], index.PendingDatacenters);
        Assert.Equal(["eu"], index.PendingPolicies("fra1"));

        var wrapped = await PendingCopyReconciler.ReconcileAsync(harness.Services, index, CancellationToken.None);

        Assert.Equal(["ams1", "fra1"], wrapped);
        index = await follower.CurrentAsync(CancellationToken.None);
        Assert.Empty(index.PendingDatacenters);
        Assert.Equal(1, follower.Resyncs);
        await AssertSameAsSnapshotAsync(harness, index);
    }

    [Fact]
    public async Task AFollowerBehindTheRetainedFeed_ResyncsFromASnapshot_AndConverges()
    {
        var harness = await StartAsync(changeRetention: 3);
        var store = new CountingStore(harness.Store);
        var follower = new PendingCopyFollower(store, NullLogger.Instance);
        await follower.CurrentAsync(CancellationToken.None);

        List<string> expected = [];
        foreach (var (step, pending) in ChangeSequence(harness))
        {
            await step();
            expected = pending;
        }

        var index = await follower.CurrentAsync(CancellationToken.None);

        Assert.Equal(2, follower.Resyncs);
        // Each re-sync read the snapshot's first page alone (wrapping keys, policies, at most one key), never the whole.
        Assert.Equal(0, store.Snapshots);
        Assert.Equal(2, store.SnapshotPages);
        Assert.True(store.LargestSnapshotPage <= 1);
        Assert.Equal(expected, index.PendingDatacenters);
        await AssertSameAsSnapshotAsync(harness, index);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _replacementKeys)
        {
            key.Dispose();
        }

        foreach (var harness in _harnesses)
        {
            await harness.DisposeAsync();
        }
    }

    /// <summary>Changes that make and settle pending copies, each with the datacenters pending after it.</summary>
    private List<(Func<Task> Step, List<string> Pending)> ChangeSequence(ServiceHarness harness)
    {
        var ct = CancellationToken.None;
        var replacement = DatacenterWrappingKey.Generate();
        _replacementKeys.Add(replacement);
        return
        [
            (() => harness.CreatePolicyAsync("eu", "region: EU"), []),
            // A keyserver registers its own key: every EU policy now owes fra1 a copy.
            (() => RegisterDirectlyAsync(harness, "fra1", harness.DatacenterKey("fra1")), ["fra1"]),
            // Created after the registration: wrapped for fra1 at once; eu still owes it.
            (() => harness.CreatePolicyAsync("de", "country: DE"), ["fra1"]),
            (() => RegisterDirectlyAsync(harness, "ams1", harness.DatacenterKey("ams1")), ["ams1", "fra1"]),
            (() => PendingCopyReconciler.ReconcileAsync(harness.Services, ct), []),
            // A new key for fra1: the copies made for the old one do not count.
            (() => RegisterDirectlyAsync(harness, "fra1", replacement), ["fra1"]),
            // eu stops permitting fra1; de still owes it.
            (() => harness.UpdatePolicyAsync("eu", "country: NL"), ["fra1"]),
            (() => harness.Services.PolicyKeys.DeleteAsync(ServiceHarness.Actor, "de", ct), []),
            (() => harness.CreatePolicyAsync("pci", "label: pci"), []),
            (() => RegisterDirectlyAsync(harness, "iad1", harness.DatacenterKey("iad1")), ["iad1"]),
            // Removing iad1 from the topology deletes its wrapping key: nothing owed any more.
            (() => harness.Services.Topology.ReplaceAsync(ServiceHarness.Actor, TopologyReplacement.FromJson(WithoutIad1()), ct), []),
        ];
    }

    private static string WithoutIad1()
    {
        var lines = TestTopology.Json.Split('\n').Where(l => !l.Contains("\"iad1\"", StringComparison.Ordinal)).ToList();
        // The line before iad1's ended with a comma.
        var last = lines.FindLastIndex(l => l.Contains("\"id\"", StringComparison.Ordinal));
        lines[last] = lines[last].TrimEnd().TrimEnd(',');
        return string.Join('\n', lines);
    }

    /// <summary>The index says what a computation over a whole snapshot of the store says, datacenter by datacenter.</summary>
    private static async Task AssertSameAsSnapshotAsync(ServiceHarness harness, PendingCopyIndex index)
    {
        var snapshot = await harness.SnapshotAsync();
        Assert.Equal(snapshot.Revision, index.Revision);
        Assert.Equal(PendingCopyReconciler.PendingDatacenters(snapshot), index.PendingDatacenters);
        foreach (var datacenter in snapshot.Datacenters.Select(d => d.Id))
        {
            var owed = snapshot.Policies
                .Where(p => p.PermittedDatacenters.Contains(datacenter) && snapshot.FindWrappingKey(datacenter) is { } key
                    && !p.WrappedKeys.Any(c => c.DatacenterId == datacenter && c.WrappingKeyFingerprint == key.Fingerprint))
                .Select(p => p.Id)
                .Order(StringComparer.Ordinal);
            Assert.Equal(owed, index.PendingPolicies(datacenter));
            Assert.Equal(snapshot.FindWrappingKey(datacenter)?.Fingerprint, index.WrappingKey(datacenter)?.Fingerprint);
        }
    }

    /// <summary>What a keyserver's first start does: one audited commit of its public key, no copies.</summary>
    private static async Task RegisterDirectlyAsync(ServiceHarness harness, string datacenter, DatacenterWrappingKey key)
    {
        var revision = await harness.Store.GetRevisionAsync(CancellationToken.None);
        await harness.Store.CommitAsync(new ChangeSet
        {
            Audit = new AuditDraft("ks-" + datacenter, "datacenter.register-key", "datacenter/" + datacenter, "{}"),
            UpsertWrappingKeys = [new WrappingKeyRecord { DatacenterId = datacenter, Fingerprint = key.Fingerprint, PublicKey = key.PublicKey, RegisteredAt = DateTimeOffset.UnixEpoch }],
        }, revision, CancellationToken.None);
    }

    private async Task<ServiceHarness> StartAsync(int changeRetention = InMemoryControlPlaneStore.ChangeRetention)
    {
        var harness = new ServiceHarness(changeRetention: changeRetention);
        _harnesses.Add(harness);
        await harness.SetUpAsync(register: false);
        return harness;
    }
}
