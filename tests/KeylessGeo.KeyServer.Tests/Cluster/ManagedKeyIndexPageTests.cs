using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Placement;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// A keyserver re-syncs from key index pages (no wrapped keys, no certificates) and builds the
/// index a full-page read builds, lookups by server IP included; it uses the IP addresses the
/// control plane recorded and parses a certificate only for a record without them; and a key whose
/// wrapped blob changed under the same version is decided again and signs with the new blob.
/// </summary>
public sealed class ManagedKeyIndexPageTests : IAsyncLifetime
{
    private static readonly byte[] Digest = SHA256.HashData("handshake"u8);
    private static readonly IPAddress Recorded = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress InCertificate = IPAddress.Parse("2001:db8::20");
    private static readonly IPAddress OldRecordsAddress = IPAddress.Parse("198.51.100.30");
    private readonly TestClock _clock = new();
    private readonly List<ECDsa> _keys = [];
    private readonly List<ClusterHarness> _keyservers = [];
    private readonly TempDirectory _directory = new();
    private InMemoryControlPlaneStore _store = null!;
    private StoreSeeder _seeder = null!;

    public async Task InitializeAsync()
    {
        _store = new InMemoryControlPlaneStore(_clock);
        _seeder = new StoreSeeder(_store, _clock);
        await _seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
    }

    public async Task DisposeAsync()
    {
        foreach (var keyserver in _keyservers)
        {
            await keyserver.DisposeAsync();
        }

        _seeder.Dispose();
        await _store.DisposeAsync();
        _keys.ForEach(k => k.Dispose());
        _directory.Dispose();
    }

    [Fact]
    public async Task AnIndexBuiltFromKeyIndexPages_IsTheIndexBuiltFromFullPages_IpLookupsIncluded()
    {
        var wrappingKey = await RegisteredWrappingKeyAsync();
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        await _seeder.CreatePolicyAsync("na-only", "region: NA");
        await SeedKeysAsync();
        var fullStore = new FlakyControlPlaneStore(_store) { FullKeyIndexPages = true };
        var indexStore = new FlakyControlPlaneStore(_store);
        var settings = new Dictionary<string, string?>(wrappingKey) { ["Cluster:SnapshotPageSize"] = "2" };

        var fromFull = await StartAsync(fullStore, settings, "ks-fra1-full");
        var fromIndex = await StartAsync(indexStore, settings, "ks-fra1-index");
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        await fromFull.WhenAppliedAsync(snapshot.Revision);
        await fromIndex.WhenAppliedAsync(snapshot.Revision);

        KeySetComparison.AssertSame(snapshot, fromFull, fromIndex);
        Assert.True(indexStore.KeyIndexPageReads >= 3, $"{indexStore.KeyIndexPageReads} key index page reads");
        Assert.True(fullStore.KeyIndexPageReads >= 3, $"{fullStore.KeyIndexPageReads} key index page reads");
        foreach (var keyserver in new[] { fromFull, fromIndex })
        {
            Assert.Equal("recorded", FoundByServerIp(keyserver, Recorded));
            Assert.Equal("old", FoundByServerIp(keyserver, OldRecordsAddress));
            Assert.Equal("old", FoundByServerIp(keyserver, IPAddress.Parse("198.51.100.30").MapToIPv6()));
            Assert.Null(FoundByServerIp(keyserver, InCertificate));
        }

        // Every key signs, its wrapped blob fetched on first use.
        foreach (var (keyId, key) in new[] { ("recorded", _keys[0]), ("old", _keys[1]), ("bare", _keys[2]) })
        {
            var signed = await fromIndex.SignAsync(keyId, Operation.EcdsaSha256, Digest);
            Assert.True(key.VerifyHash(Digest, signed.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence), keyId);
        }
    }

    [Fact]
    public async Task RecordedAddresses_AreIndexed_AndTheCertificateIsParsedOnlyForARecordWithout()
    {
        var wrappingKey = await RegisteredWrappingKeyAsync();
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        await _seeder.CreatePolicyAsync("na-only", "region: NA");
        await SeedKeysAsync();

        var keyserver = await StartAsync(_store, wrappingKey, "ks-fra1");
        await keyserver.WhenAppliedAsync(await _store.GetRevisionAsync(CancellationToken.None));

        // "recorded" holds a certificate naming another address than the one recorded: the record wins.
        Assert.True(keyserver.Keys.TryGetById("recorded", out var recorded));
        Assert.Equal(new[] { Recorded.GetAddressBytes() }, recorded.IpAddresses);
        Assert.True(keyserver.Keys.TryGetById("old", out var old));
        Assert.Equal(new[] { OldRecordsAddress.GetAddressBytes() }, old.IpAddresses);
        Assert.True(keyserver.Keys.TryGetById("bare", out var bare));
        Assert.Empty(bare.IpAddresses);
    }

    [Fact]
    public async Task AKeyWhoseWrappedBlobChangedUnderTheSameVersion_IsDecidedAgain_ByADeltaAndByAResync()
    {
        var wrappingKey = await RegisteredWrappingKeyAsync();
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        var key = NewKey();
        var store = new FlakyControlPlaneStore(_store);
        var keyserver = await StartAsync(store, new Dictionary<string, string?>(wrappingKey) { ["Cluster:FeedPageSize"] = "1" }, "ks-fra1");
        await keyserver.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", key));
        Assert.True(keyserver.Keys.TryGetById("k1", out var first));
        Assert.Null((await keyserver.SignAsync("k1", Operation.EcdsaSha256, Digest)).Error);
        var reads = store.RecordReads;

        // One change: applied as a delta (the full record).
        await keyserver.WhenAppliedAsync(await _seeder.RewrapKeyAsync("k1", key));
        Assert.True(keyserver.Keys.TryGetById("k1", out var second));
        Assert.Equal(1, ManagedKeySet.FactsOf(second).Record.Version);
        Assert.NotSame(first, second);
        Assert.NotEqual(ManagedKeySet.FactsOf(first).ContentDigest, ManagedKeySet.FactsOf(second).ContentDigest);
        var afterDelta = await keyserver.SignAsync("k1", Operation.EcdsaSha256, Digest);
        Assert.True(key.VerifyHash(Digest, afterDelta.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(reads + 1, store.RecordReads); // the new blob, fetched

        // Two changes in one commit with a feed page of one: a re-sync from key index pages, which carry no blob.
        var indexReads = store.KeyIndexPageReads;
        await keyserver.WhenAppliedAsync(await _seeder.CommitAsync(new ChangeSet
        {
            Audit = new("operator@test", "key.import", "key/k2", "{}"),
            UpsertKeys = [await _seeder.RewrappedAsync("k1", key), await _seeder.NewRecordAsync("k2", "eu-only", NewKey())],
        }));
        Assert.True(store.KeyIndexPageReads > indexReads, "the keyserver re-synced from key index pages");
        Assert.True(keyserver.Keys.TryGetById("k1", out var third));
        Assert.NotSame(second, third);
        Assert.Equal(
            ManagedKeyEntries.ShortDigest(ManagedKeyContent.Digest((await _store.ReadSnapshotAsync(CancellationToken.None)).FindKey("k1")!)),
            ManagedKeySet.FactsOf(third).ContentDigest);
        var afterResync = await keyserver.SignAsync("k1", Operation.EcdsaSha256, Digest);
        Assert.True(key.VerifyHash(Digest, afterResync.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
    }

    // "recorded": addresses recorded (and a certificate naming another); "old": a record from before
    // addresses were recorded, whose certificate names one; "bare": no certificate, none recorded; and
    // keys under a policy that denies them here.
    private async Task SeedKeysAsync()
    {
        var recorded = NewKey();
        await _seeder.ImportKeyAsync("recorded", "eu-only", recorded, r => r with
        {
            CertificatePem = SelfSigned(recorded, "recorded.example", InCertificate),
            HostNames = ["recorded.example"],
            IpAddresses = [Recorded.GetAddressBytes()],
        });
        var old = NewKey();
        await _seeder.ImportKeyAsync("old", "eu-only", old, r => r with
        {
            CertificatePem = SelfSigned(old, "old.example", OldRecordsAddress),
            HostNames = ["old.example"],
            IpAddresses = null,
        });
        await _seeder.ImportKeyAsync("bare", "eu-only", NewKey(), r => r with { HostNames = ["bare.example"], IpAddresses = [] });
        for (var i = 0; i < 3; i++)
        {
            await _seeder.ImportKeyAsync($"na{i}", "na-only", NewKey(), $"na{i}.example", "*.shared.example");
        }
    }

    private static string? FoundByServerIp(ClusterHarness keyserver, IPAddress address)
    {
        var found = keyserver.Keys.Find(new KeyRef { ServerIp = ByteString.CopyFrom(address.GetAddressBytes()) });
        return (found.Key ?? found.RefusedKey)?.KeyId;
    }

    private static string SelfSigned(ECDsa key, string name, IPAddress address)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        return certificate.ExportCertificatePem();
    }

    // fra1's wrapping key registered before any keyserver starts, so policies created now carry its copy.
    private async Task<Dictionary<string, string?>> RegisteredWrappingKeyAsync()
    {
        var path = Path.Combine(_directory.Path, "wrapping-key.pem");
        using (var key = DatacenterWrappingKey.LoadOrCreate(path, out _))
        {
            await _seeder.RegisterWrappingKeyAsync("fra1", key.Public);
        }

        return new Dictionary<string, string?> { ["Cluster:WrappingKeyPath"] = path };
    }

    private async Task<ClusterHarness> StartAsync(KeylessGeo.ControlPlane.Store.IControlPlaneStore store, Dictionary<string, string?> settings, string keyserverId)
    {
        var keyserver = await ClusterHarness.StartAsync(store, "fra1", _clock, settings, keyserverId);
        _keyservers.Add(keyserver);
        return keyserver;
    }

    private ECDsa NewKey()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _keys.Add(key);
        return key;
    }
}
