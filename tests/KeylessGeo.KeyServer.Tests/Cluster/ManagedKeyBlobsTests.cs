using System.Collections.Immutable;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The cache of wrapped private keys a keyserver fetches when a managed key is first used: one
/// fetch for concurrent first uses, bounded by count and bytes (least recently used out), the
/// version the index decided or a specific error, and nothing kept for a key that changed.
/// </summary>
public sealed class ManagedKeyBlobsTests : IAsyncLifetime
{
    private readonly InMemoryControlPlaneStore _inner = new();
    private FlakyControlPlaneStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new FlakyControlPlaneStore(_inner);
        await _inner.CommitAsync(Change() with { UpsertKeys = [Record("k1", 1, 100), Record("k2", 1, 100), Record("k3", 1, 100)] }, 0, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _store.ReleaseRecordReads();
        await _store.DisposeAsync();
        await _inner.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentFirstUsesOfAColdKey_ShareOneFetch()
    {
        var blobs = NewBlobs();
        var facts = await FactsAsync("k1");
        _store.HoldRecordReads();

        var waiting = Enumerable.Range(0, 16).Select(_ => blobs.GetAsync(facts, CancellationToken.None).AsTask()).ToArray();
        await _store.WhenAsync(s => s.RecordReads >= 1, ClusterHarness.Guard());
        _store.ReleaseRecordReads();
        var results = await Task.WhenAll(waiting);

        Assert.Equal(1, _store.RecordReads);
        Assert.Equal(1, blobs.Fetches);
        Assert.All(results, r => Assert.Equal(Blob("k1", 1, 100), r.WrappedPrivateKey));
    }

    [Fact]
    public async Task PastItsCount_TheLeastRecentlyUsedWrappedKeyIsDropped_AndFetchedAgainWhenNeeded()
    {
        var blobs = NewBlobs(count: 2);
        var (k1, k2, k3) = (await FactsAsync("k1"), await FactsAsync("k2"), await FactsAsync("k3"));
        await blobs.GetAsync(k1, CancellationToken.None);
        await blobs.GetAsync(k2, CancellationToken.None);
        await blobs.GetAsync(k1, CancellationToken.None);

        await blobs.GetAsync(k3, CancellationToken.None);

        Assert.Equal(2, blobs.Count);
        Assert.Equal(3, blobs.Fetches);
        Assert.NotNull(blobs.TryGetCached(k1));
        Assert.Null(blobs.TryGetCached(k2));
        Assert.NotNull(blobs.TryGetCached(k3));
        await blobs.GetAsync(k2, CancellationToken.None);
        Assert.Equal(4, blobs.Fetches);
        Assert.Equal(2, blobs.Count);
    }

    [Fact]
    public async Task PastItsBytes_WrappedKeysAreDroppedUntilTheRestFit()
    {
        await _inner.CommitAsync(Change() with { UpsertKeys = [Record("big1", 1, 40_000), Record("big2", 1, 40_000)] }, 1, CancellationToken.None);
        var blobs = NewBlobs(bytes: 64 * 1024);
        var (big1, big2, k1) = (await FactsAsync("big1"), await FactsAsync("big2"), await FactsAsync("k1"));

        await blobs.GetAsync(big1, CancellationToken.None);
        await blobs.GetAsync(k1, CancellationToken.None);
        await blobs.GetAsync(big2, CancellationToken.None);

        Assert.Null(blobs.TryGetCached(big1));
        Assert.NotNull(blobs.TryGetCached(k1));
        Assert.NotNull(blobs.TryGetCached(big2));
        Assert.Equal(40_000 + 100 + (2 * 3), blobs.Bytes);
    }

    [Fact]
    public async Task WithTheStoreDown_TheFetchFailsUnavailable_AndTheNextOneTriesAgain()
    {
        var blobs = NewBlobs();
        var facts = await FactsAsync("k1");
        _store.Down = true;

        var down = await Assert.ThrowsAsync<ManagedKeyFetchException>(() => blobs.GetAsync(facts, CancellationToken.None).AsTask());
        _store.Down = false;
        var blob = await blobs.GetAsync(facts, CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, down.Code);
        Assert.Equal("the control-plane store cannot be reached to open key 'k1'; try again", down.Message);
        Assert.Equal(Blob("k1", 1, 100), blob.WrappedPrivateKey);
    }

    [Fact]
    public async Task AKeyRemovedFromTheStore_IsNotFound()
    {
        var blobs = NewBlobs();
        var facts = await FactsAsync("k1");
        await _inner.CommitAsync(Change() with { DeleteKeys = ["k1"] }, 1, CancellationToken.None);

        var removed = await Assert.ThrowsAsync<ManagedKeyFetchException>(() => blobs.GetAsync(facts, CancellationToken.None).AsTask());

        Assert.Equal(ErrorCode.KeyNotFound, removed.Code);
        Assert.Equal("key 'k1' was removed from the control plane", removed.Message);
    }

    [Fact]
    public async Task ANewerVersionInTheStore_IsNotServedForTheVersionTheIndexHolds()
    {
        var blobs = NewBlobs();
        var facts = await FactsAsync("k1");
        await _inner.CommitAsync(Change() with { UpsertKeys = [Record("k1", 2, 100)] }, 1, CancellationToken.None);

        var changed = await Assert.ThrowsAsync<ManagedKeyFetchException>(() => blobs.GetAsync(facts, CancellationToken.None).AsTask());
        var newer = await blobs.GetAsync(await FactsAsync("k1"), CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, changed.Code);
        Assert.Contains("changed in the control plane (version 2 there, 1 here)", changed.Message, StringComparison.Ordinal);
        Assert.Equal(Blob("k1", 2, 100), newer.WrappedPrivateKey);
        Assert.Equal([1, 2, 3], newer.SubjectPublicKeyInfo);
        Assert.Null(blobs.TryGetCached(facts));
    }

    [Fact]
    public async Task ABlobReplacedUnderTheSameVersion_IsNotServedForTheContentTheIndexHolds()
    {
        var blobs = NewBlobs();
        var facts = await FactsAsync("k1");

        // Re-wrapped (a policy key rotation of the same generation number cannot happen, but a
        // store edit or a restore can): same version and generation, another blob.
        await _inner.CommitAsync(Change() with { UpsertKeys = [Record("k1", 1, 100) with { WrappedPrivateKey = Blob("k9", 1, 100) }] }, 1, CancellationToken.None);

        var changed = await Assert.ThrowsAsync<ManagedKeyFetchException>(() => blobs.GetAsync(facts, CancellationToken.None).AsTask());
        var current = await blobs.GetAsync(await FactsAsync("k1"), CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, changed.Code);
        Assert.Equal(Blob("k9", 1, 100), current.WrappedPrivateKey);
        Assert.Null(blobs.TryGetCached(facts));
    }

    [Fact]
    public async Task BytesThatAreNotTheContentTheIndexHolds_AreNotServed_WhateverDigestTheStoreGivesWithThem()
    {
        var blobs = NewBlobs();
        var facts = await FactsAsync("k1");

        // The store answers with the record's own digest but other bytes (damaged, or swapped behind its back).
        _store.AfterRecordRead = read => read with { Keys = [.. read.Keys.Select(k => k with { WrappedPrivateKey = Blob("k9", 1, 100) })] };
        var refused = await Assert.ThrowsAsync<ManagedKeyFetchException>(() => blobs.GetAsync(facts, CancellationToken.None).AsTask());
        _store.AfterRecordRead = null;
        var served = await blobs.GetAsync(facts, CancellationToken.None);

        Assert.Equal(ErrorCode.Unavailable, refused.Code);
        Assert.Equal(Blob("k1", 1, 100), served.WrappedPrivateKey);
    }

    [Fact]
    public async Task AnInvalidatedKey_IsFetchedAgain()
    {
        var blobs = NewBlobs();
        var facts = await FactsAsync("k1");
        await blobs.GetAsync(facts, CancellationToken.None);

        blobs.Invalidate("k1");

        Assert.Null(blobs.TryGetCached(facts));
        Assert.Equal(0, blobs.Count);
        Assert.Equal(0, blobs.Bytes);
        await blobs.GetAsync(facts, CancellationToken.None);
        Assert.Equal(2, blobs.Fetches);
    }

    private ManagedKeyBlobs NewBlobs(int count = 100, long bytes = 1024 * 1024) => new(
        _store, Options.Create(new ClusterOptions { WrappedKeyCacheCount = count, WrappedKeyCacheBytes = bytes }), NullLogger<ManagedKeyBlobs>.Instance);

    // The facts an index would hold for the store's current record of keyId.
    private async Task<ManagedKeyFacts> FactsAsync(string keyId)
    {
        var record = (await _inner.ReadRecordsAsync([new RecordId(ChangeKind.Key, keyId)], CancellationToken.None)).Keys.Single();
        return new ManagedKeyFacts
        {
            Record = ManagedKeyEntries.Slim(record, null),
            ContentDigest = ManagedKeyEntries.ContentDigestOf(record),
            Status = ManagedKeyStatus.Servable,
            Reason = "test",
        };
    }

    private static ChangeSet Change() => new() { Audit = new AuditDraft("test", "test.change", "test/1", "{}") };

    private static byte[] Blob(string keyId, int version, int length)
    {
        var blob = new byte[length];
        new Random(HashCode.Combine(keyId.Length, keyId[^1], version)).NextBytes(blob);
        return blob;
    }

    private static ManagedKeyRecord Record(string keyId, int version, int length) => new()
    {
        KeyId = keyId,
        PolicyId = "p",
        Version = version,
        Algorithm = "ecdsa-p256",
        SubjectPublicKeyInfo = [1, 2, 3],
        Ski = new byte[20],
        HostNames = ImmutableArray<string>.Empty,
        PolicyKeyGeneration = 1,
        WrappedPrivateKey = Blob(keyId, version, length),
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
