using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Policies;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.ControlPlane.Tests.State;

/// <summary>
/// The control plane's follower re-syncs from the snapshot a few keys at a time, never reading it
/// whole; commits landing between its pages are brought in by the change feed, so it ends equal to
/// a fresh read of the whole store; and while it re-syncs, reads answer from the last state and
/// commits wait for the new one.
/// </summary>
public sealed class PagedResyncTests : IAsyncLifetime
{
    private const int Keys = 40;
    private const int KeysPerPage = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // A feed shorter than the churn below: a follower left behind must re-sync.
    private readonly ServiceHarness _harness = new(changeRetention: 8);
    private CountingStore _store = null!;

    public async Task InitializeAsync()
    {
        await SeedAsync(_harness);
        _store = new CountingStore(_harness.Store);
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task BehindTheRetainedFeed_AResyncReadsTheSnapshotAFewKeysAPage_NeverWhole_AndEqualsAFreshRead()
    {
        var follower = new StateFollower(_store, NullLogger.Instance, pageSize: 4, snapshotPageSize: KeysPerPage);
        await follower.CurrentAsync(CancellationToken.None);
        await ChurnAsync();
        _store.Reset();

        var state = await follower.CurrentAsync(CancellationToken.None);

        Assert.Equal(2, follower.Resyncs);
        Assert.Equal(0, _store.Snapshots);
        Assert.True(_store.SnapshotPages >= Keys / KeysPerPage, $"{_store.SnapshotPages} pages");
        Assert.Equal(KeysPerPage, _store.LargestSnapshotPage);
        Assert.Equal(StateDescription.Of(await FreshState.ReadAsync(_harness.Store)), StateDescription.Of(state));
    }

    [Fact]
    public async Task CommitsLandingBetweenSnapshotPages_AreBroughtInByTheFeed_AndTheStateEqualsAFreshRead()
    {
        // A feed that keeps every change here: with a short one, a fresh read made after the
        // commits below sees a feed that dropped more, and bounds the revisions of the keys written
        // before it less tightly than the state re-synced before them (both bounds hold).
        await using var harness = new ServiceHarness();
        await SeedAsync(harness);
        var store = new CountingStore(harness.Store);
        var interfered = 0;
        store.BeforeSnapshotPage = async after =>
        {
            // Once, part-way: a key removed and one moved on pages not read yet, a key added and
            // one removed where pages were read already, a policy changed (the first page's).
            if (after is not null && string.CompareOrdinal(after, KeyId(9)) >= 0 && Interlocked.Exchange(ref interfered, 1) == 0)
            {
                await CommitAsync(harness, new ChangeSet { Audit = Audit("later pages"), DeleteKeys = [KeyId(30)], UpsertKeys = [Key(KeyId(21), "eu")] });
                await CommitAsync(harness, new ChangeSet { Audit = Audit("read pages"), DeleteKeys = [KeyId(1)], UpsertKeys = [Key(KeyId(5) + "a", "na")] });
                await harness.UpdatePolicyAsync("eu", "region: EU and not country: FR");
            }
        };
        var follower = new StateFollower(store, NullLogger.Instance, snapshotPageSize: KeysPerPage);

        var state = await follower.CurrentAsync(CancellationToken.None);

        Assert.Equal(1, interfered);
        Assert.Equal(1, follower.Resyncs);
        Assert.Equal(0, store.Snapshots);
        Assert.Equal(await harness.Store.GetRevisionAsync(CancellationToken.None), state.Revision);
        Assert.False(state.TryGetKey(KeyId(30), out _));
        Assert.False(state.TryGetKey(KeyId(1), out _));
        Assert.Contains(KeyId(5) + "a", state.KeyIdsOf("na"));
        Assert.Contains(KeyId(21), state.KeyIdsOf("eu"));
        Assert.Equal(StateDescription.Of(await FreshState.ReadAsync(harness.Store)), StateDescription.Of(state));
    }

    [Fact]
    public async Task DuringAResync_ReadsAnswerFromTheLastState_AndACommitWaitsForTheNewOne()
    {
        var services = ControlPlaneServices.Create(_store, _harness.Keyring, time: _harness.Time);
        Assert.Equal(["eu", "na"], (await services.Policies.ListAsync(CancellationToken.None)).Select(p => p.Id));
        await ChurnAsync();
        await _harness.CreatePolicyAsync("late", "country: DE");
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.BeforeSnapshotPage = async _ =>
        {
            entered.TrySetResult();
            await release.Task;
        };
        try
        {
            var create = services.Policies.CreateAsync("bob", new PolicyRequest { Id = "apac", Policy = PolicyInput.FromText("country: NL"), Comment = "test" }, CancellationToken.None);
            await entered.Task.WaitAsync(Bound);

            // Held mid-re-sync: reads answer at once from the state before it.
            Assert.True(services.Follower.Resyncing);
            var during = await services.Policies.ListAsync(CancellationToken.None).WaitAsync(Bound);
            Assert.Equal(["eu", "na"], during.Select(p => p.Id));
            await services.Topology.GetAsync(CancellationToken.None).WaitAsync(Bound);
            Assert.False(create.IsCompleted);

            release.SetResult();
            var created = await create.WaitAsync(Bound);

            Assert.Equal("apac", created.Policy.Id);
            Assert.False(services.Follower.Resyncing);
            Assert.Equal(["apac", "eu", "late", "na"], (await services.Policies.ListAsync(CancellationToken.None)).Select(p => p.Id));
            Assert.Equal(2, services.Follower.Resyncs);
            Assert.Equal(0, _store.Snapshots);
            var snapshot = await _harness.SnapshotAsync();
            var state = await services.Follower.CurrentAsync(CancellationToken.None);
            Assert.Equal(snapshot.Revision, state.Revision);
            Assert.Equal(snapshot.Keys.Select(k => k.KeyId), state.KeyIds.Order(StringComparer.Ordinal));
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task AResyncThatFails_LeavesTheLastStateInForce_AndTheNextCallStartsAgain()
    {
        var follower = new StateFollower(_store, NullLogger.Instance, snapshotPageSize: KeysPerPage);
        var before = await follower.CurrentAsync(CancellationToken.None);
        await ChurnAsync();
        var failing = true;
        // Every page but the first fails, as a database that went away part-way.
        _store.BeforeSnapshotPage = after => failing && after is not null ? throw new StoreUnavailableException("connection refused") : Task.CompletedTask;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => follower.CurrentAsync(CancellationToken.None));

        Assert.False(follower.Resyncing);
        // A read starts the re-sync again and answers from the last state; a commit's read waits for it, and it fails again.
        Assert.Same(before, await follower.ReadableAsync(CancellationToken.None).WaitAsync(Bound));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => follower.CurrentAsync(CancellationToken.None));
        failing = false;
        var state = await follower.CurrentAsync(CancellationToken.None);
        Assert.Equal(StateDescription.Of(await FreshState.ReadAsync(_harness.Store)), StateDescription.Of(state));
    }

    private static string KeyId(int index) => "synthetic-" + index.ToString("D4", CultureInfo.InvariantCulture);

    private static AuditDraft Audit(string what) => new("test", "key.import", "key/" + what, "{}");

    private static ManagedKeyRecord Key(string keyId, string policyId)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        return new ManagedKeyRecord
        {
            KeyId = keyId,
            PolicyId = policyId,
            Version = 1,
            Algorithm = "ecdsa-p256",
            SubjectPublicKeyInfo = RandomNumberGenerator.GetBytes(91),
            Ski = RandomNumberGenerator.GetBytes(20),
            PolicyKeyGeneration = 1,
            WrappedPrivateKey = RandomNumberGenerator.GetBytes(160),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>More single-key commits than the store retains: keys removed, moved and added.</summary>
    private async Task ChurnAsync()
    {
        for (var i = 0; i < 12; i++)
        {
            var change = (i % 3) switch
            {
                0 => new ChangeSet { Audit = Audit("remove"), DeleteKeys = [KeyId(i)] },
                1 => new ChangeSet { Audit = Audit("move"), UpsertKeys = [Key(KeyId(Keys - 1 - i), "eu")] },
                _ => new ChangeSet { Audit = Audit("add"), UpsertKeys = [Key("added-" + i.ToString(CultureInfo.InvariantCulture), "na")] },
            };
            await CommitAsync(change);
        }
    }

    private Task CommitAsync(ChangeSet change) => CommitAsync(_harness, change);

    private static async Task CommitAsync(ServiceHarness harness, ChangeSet change)
    {
        var revision = await harness.Store.GetRevisionAsync(CancellationToken.None);
        await harness.Store.CommitAsync(change, revision, CancellationToken.None);
    }

    /// <summary>The topology, policies eu and na, and <see cref="Keys"/> keys between them, committed at once.</summary>
    private static async Task SeedAsync(ServiceHarness harness)
    {
        await harness.SetUpAsync(register: false);
        await harness.CreatePolicyAsync("eu", "region: EU");
        await harness.CreatePolicyAsync("na", "region: NA");
        await CommitAsync(harness, new ChangeSet { Audit = Audit("seed"), UpsertKeys = [.. Enumerable.Range(0, Keys).Select(i => Key(KeyId(i), i % 2 == 0 ? "eu" : "na"))] });
    }
}
