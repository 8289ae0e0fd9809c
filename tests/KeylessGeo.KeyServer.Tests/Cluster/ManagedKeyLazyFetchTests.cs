using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// A keyserver indexes managed keys without their wrapped private keys and fetches one from the
/// store when the key is first used: once for concurrent first requests, answered with a specific
/// error when the store cannot give it (unreachable, key removed), without harm to other keys; a
/// key rotated or removed in the feed drops what was fetched for it.
/// </summary>
public sealed class ManagedKeyLazyFetchTests : IAsyncLifetime
{
    private static readonly byte[] Digest = SHA256.HashData("handshake"u8);
    private readonly TestClock _clock = new();
    private readonly List<ECDsa> _keys = [];
    private readonly List<InMemoryControlPlaneStore> _owned = [];
    private InMemoryControlPlaneStore _store = null!;
    private FlakyControlPlaneStore _flaky = null!;
    private StoreSeeder _seeder = null!;
    private ClusterHarness _fra1 = null!;

    public async Task InitializeAsync()
    {
        _store = new InMemoryControlPlaneStore(_clock);
        _flaky = new FlakyControlPlaneStore(_store);
        _seeder = new StoreSeeder(_store, _clock);
        await _seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
        _fra1 = await ClusterHarness.StartAsync(_flaky, "fra1", _clock);
        await StoreWaits.WhenWrappingKeysRegisteredAsync(_store, "fra1");
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
    }

    public async Task DisposeAsync()
    {
        _flaky.ReleaseRecordReads();
        await _fra1.DisposeAsync();
        _seeder.Dispose();
        await _flaky.DisposeAsync();
        _keys.ForEach(k => k.Dispose());
        foreach (var store in _owned)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheIndexHoldsNoWrappedKey_UntilTheKeyIsFirstUsed()
    {
        var key = NewKey();
        await _fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", key));
        Assert.True(_fra1.Keys.TryGetById("k1", out var entry));
        var reads = _flaky.RecordReads;

        var first = await _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        var second = await _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.Empty(ManagedKeySet.FactsOf(entry).Record.WrappedPrivateKey);
        Assert.Empty(ManagedKeySet.FactsOf(entry).Record.SubjectPublicKeyInfo);
        Assert.Empty(entry.SubjectPublicKeyInfo);
        Assert.True(key.VerifyHash(Digest, first.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.True(key.VerifyHash(Digest, second.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(reads + 1, _flaky.RecordReads);
        Assert.Contains(_fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyFetched");
    }

    [Fact]
    public async Task ConcurrentFirstRequestsToAColdKey_FetchItOnce_AndAllSign()
    {
        var key = NewKey();
        await _fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", key));
        var reads = _flaky.RecordReads;
        _flaky.HoldRecordReads();

        var requests = Enumerable.Range(0, 12).Select(_ => _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest)).ToArray();
        await _flaky.WhenAsync(s => s.RecordReads > reads, ClusterHarness.Guard());
        _flaky.ReleaseRecordReads();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.True(key.VerifyHash(Digest, r.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence)));
        Assert.Equal(reads + 1, _flaky.RecordReads);
        Assert.Equal(1, _fra1.Keys.PrivateKeyLoadsTotal);
    }

    [Fact]
    public async Task WithTheStoreUnreachable_AColdKeyAnswersUnavailable_AndAWarmKeyKeepsSigning()
    {
        var warm = NewKey();
        await _seeder.ImportKeyAsync("warm", "eu-only", warm);
        await _fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("cold", "eu-only", NewKey()));
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, (await _fra1.SignAsync("warm", Operation.EcdsaSha256, Digest)).OutcomeCase);

        _flaky.Down = true;
        var cold = await _fra1.SignAsync("cold", Operation.EcdsaSha256, Digest);
        var stillWarm = await _fra1.SignAsync("warm", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.Unavailable, cold.Error.Code);
        Assert.Equal("the control-plane store cannot be reached to open key 'cold'; try again", cold.Error.Message);
        Assert.True(warm.VerifyHash(Digest, stillWarm.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Contains(_fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyFetchFailed" && e.Message.Contains("cold", StringComparison.Ordinal));

        _flaky.Down = false;
        var recovered = await _fra1.SignAsync("cold", Operation.EcdsaSha256, Digest);
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, recovered.OutcomeCase);
    }

    [Fact]
    public async Task AKeyRemovedBeforeTheFeedSaysSo_AnswersKeyNotFoundOnItsFirstUse()
    {
        await _fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", NewKey()));
        await SwapUnnoticedAsync(snapshot => snapshot with { Keys = [] });

        var response = await _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.True(_fra1.Keys.TryGetById("k1", out _));
        Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
        Assert.Equal("key 'k1' was removed from the control plane", response.Error.Message);
    }

    [Fact]
    public async Task ARotatedKey_DropsItsFetchedWrappedKey_AndSignsWithTheNewKey()
    {
        var before = NewKey();
        await _fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", before));
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, (await _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest)).OutcomeCase);
        var blobs = _fra1.Services.GetRequiredService<ManagedKeyBlobs>();
        Assert.Equal(1, blobs.Count);
        var reads = _flaky.RecordReads;

        var after = NewKey();
        await _fra1.WhenAppliedAsync(await _seeder.RotateKeyAsync("k1", after));
        Assert.Equal(0, blobs.Count);
        var response = await _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.True(after.VerifyHash(Digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(reads + 1, _flaky.RecordReads);
        Assert.Equal(2, _fra1.Keys.PrivateKeyLoadsTotal);
    }

    [Fact]
    public async Task ARotationTheFeedHasNotApplied_IsNotServedUnderTheOldVersion()
    {
        await _fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", NewKey()));
        await SwapUnnoticedAsync(snapshot => snapshot with
        {
            Keys = [snapshot.FindKey("k1")! with { Version = 2, WrappedPrivateKey = RandomNumberGenerator.GetBytes(180) }],
        });

        var response = await _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.Unavailable, response.Error.Code);
        Assert.Contains("changed in the control plane (version 2 there, 1 here)", response.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fra1.Keys.PrivateKeyLoadsTotal);
    }

    [Fact]
    public async Task ARemovedKey_DropsItsFetchedWrappedKey()
    {
        await _fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", NewKey()));
        await _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        var blobs = _fra1.Services.GetRequiredService<ManagedKeyBlobs>();
        Assert.Equal(1, blobs.Count);

        await _fra1.WhenAppliedAsync(await _seeder.RemoveKeyAsync("k1"));

        Assert.Equal(0, blobs.Count);
        Assert.Equal(ErrorCode.KeyNotFound, (await _fra1.SignAsync("k1", Operation.EcdsaSha256, Digest)).Error.Code);
    }

    // The keyserver goes on reading a store that changed without telling it (no notification, the
    // resync timer on the test clock): its index still holds what it applied, a fetch sees the change.
    private async Task SwapUnnoticedAsync(Func<ControlPlaneSnapshot, ControlPlaneSnapshot> edit)
    {
        var changed = edit(await _store.ReadSnapshotAsync(CancellationToken.None));
        var store = new InMemoryControlPlaneStore(_clock);
        _owned.Add(store);
        await store.CommitAsync(
            new() { Audit = new("operator@test", "restore", "store", "{}"), ReplaceTopology = changed.Datacenters, UpsertWrappingKeys = changed.WrappingKeys, UpsertPolicies = changed.Policies, UpsertKeys = changed.Keys },
            0,
            CancellationToken.None);
        _flaky.Deaf = true;
        _flaky.Swap(store);
    }

    private ECDsa NewKey()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _keys.Add(key);
        return key;
    }
}
