using System.Collections.Immutable;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.State;

/// <summary>
/// An operation on one key reads that key and the change pages since the last operation, not the
/// store: with hundreds of keys in the store, no snapshot is read and no other key's record is.
/// </summary>
public sealed class ProportionalReadTests : IAsyncLifetime
{
    private const int Keys = 300;
    private readonly ServiceHarness _harness = new();
    private CountingStore _store = null!;
    private ControlPlaneServices _services = null!;

    public async Task InitializeAsync()
    {
        await _harness.SetUpAsync();
        await _harness.CreatePolicyAsync("eu", "region: EU");
        await _harness.ImportAsync("real", "eu", TestKeys.EcP256Pkcs8());
        await SeedAsync();
        _store = new CountingStore(_harness.Store);
        _services = ControlPlaneServices.Create(_store, _harness.Keyring, time: _harness.Time);
        // The first operation reads the snapshot a control plane reads at start, a page of keys
        // at a time (one page here), never whole.
        await _services.Topology.GetAsync(CancellationToken.None);
        Assert.Equal(0, _store.Snapshots);
        Assert.Equal(1, _store.SnapshotPages);
        _store.Reset();
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task RemovingOneKey_ReadsOnlyThatKey()
    {
        var removed = await _services.Keys.RemoveAsync(ServiceHarness.Actor, "synthetic-0042", CancellationToken.None);

        Assert.Equal("eu", removed.PolicyId);
        AssertRead([new RecordId(ChangeKind.Key, "synthetic-0042")]);
        Assert.Null((await _harness.SnapshotAsync()).FindKey("synthetic-0042"));
    }

    [Fact]
    public async Task RotatingOneKey_ReadsOnlyThatKey_AndTheChangeIsAppliedAsADelta()
    {
        using var material = TestKeys.Material(TestKeys.EcP256Pkcs8());
        var rotated = await _services.Keys.RotateAsync(ServiceHarness.Actor, new RotateKeyRequest { KeyId = "real", PrivateKey = material }, CancellationToken.None);
        Assert.Equal(2, rotated.Key.Version);
        AssertRead([new RecordId(ChangeKind.Key, "real")]);
        _store.Reset();

        // The next operation catches up by the one key record the rotation wrote.
        var placement = await _services.Placement.GetAsync("synthetic-0007", CancellationToken.None);

        Assert.Equal(rotated.Revision, placement.Revision);
        Assert.Equal(0, _store.Snapshots);
        Assert.Equal(1, _store.ChangePageRecords);
        Assert.Equal([new RecordId(ChangeKind.Key, "synthetic-0007")], _store.RecordsAsked);
    }

    [Fact]
    public async Task GettingOneKey_ReadsOnlyThatKey()
    {
        var key = await _services.Keys.GetAsync("synthetic-0100", includeWrapped: false, CancellationToken.None);

        Assert.Equal("synthetic-0100", key.KeyId);
        AssertRead([new RecordId(ChangeKind.Key, "synthetic-0100")]);
        Assert.Equal(0, _store.ChangePages);
    }

    [Fact]
    public async Task ImportingAKey_ReadsNoKeyRecord_AndADuplicateReadsOnlyTheKeyHoldingIt()
    {
        var pem = TestKeys.EcP256Pkcs8();
        using (var material = TestKeys.Material(pem))
        {
            await _services.Keys.ImportAsync(ServiceHarness.Actor, new ImportKeyRequest { KeyId = "new", PolicyId = "eu", PrivateKey = material }, CancellationToken.None);
        }

        AssertRead([]);
        _store.Reset();

        using var again = TestKeys.Material(pem);
        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() =>
            _services.Keys.ImportAsync(ServiceHarness.Actor, new ImportKeyRequest { KeyId = "copy", PolicyId = "eu", PrivateKey = again }, CancellationToken.None));

        Assert.Equal(ErrorCodes.DuplicateKeyMaterial, refused.Code);
        Assert.Contains("already managed as key 'new' version 1", refused.Message, StringComparison.Ordinal);
        // Catching up brought the import's one key record.
        AssertRead([new RecordId(ChangeKind.Key, "new")], changed: 1);
    }

    [Fact]
    public async Task ListingAPolicysKeys_ReadsThoseKeysById_NotASnapshot()
    {
        var keys = await _services.Keys.ListAsync("eu", CancellationToken.None);

        Assert.Equal(Keys + 1, keys.Length);
        Assert.Equal(0, _store.Snapshots);
        Assert.Equal(Keys + 1, _store.RecordsAsked.Count);
    }

    /// <summary>No snapshot, only <paramref name="records"/> read by id, and <paramref name="changed"/> records brought by change pages.</summary>
    private void AssertRead(IReadOnlyList<RecordId> records, int changed = 0)
    {
        Assert.Equal(0, _store.Snapshots);
        Assert.Equal(records, _store.RecordsAsked);
        Assert.Equal(changed, _store.ChangePageRecords);
    }

    /// <summary>Hundreds of keys under "eu" committed straight to the store (their blobs are never opened here).</summary>
    private async Task SeedAsync()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var keys = Enumerable.Range(0, Keys).Select(i => new ManagedKeyRecord
        {
            KeyId = $"synthetic-{i:D4}",
            PolicyId = "eu",
            Version = 1,
            Algorithm = "ecdsa-p256",
            SubjectPublicKeyInfo = RandomNumberGenerator.GetBytes(91),
            Ski = RandomNumberGenerator.GetBytes(20),
            PolicyKeyGeneration = 1,
            WrappedPrivateKey = RandomNumberGenerator.GetBytes(160),
            CreatedAt = now,
            UpdatedAt = now,
        }).ToImmutableArray();
        var revision = await _harness.Store.GetRevisionAsync(CancellationToken.None);
        await _harness.Store.CommitAsync(new ChangeSet
        {
            Audit = new AuditDraft("seed", "key.import", "key/synthetic-*", "{}"),
            UpsertKeys = keys,
        }, revision, CancellationToken.None);
    }
}
