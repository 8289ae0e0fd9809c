using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Placement;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// A permitted key this keyserver cannot open (its copy was wrapped for another wrapping key,
/// or altered) answers INTERNAL, so the edge tries another keyserver; nothing secret is exposed
/// and the failure is logged once, not per request.
/// </summary>
public sealed class ManagedKeyOpeningTests : IDisposable
{
    private static readonly byte[] Digest = SHA256.HashData("handshake"u8);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly DatacenterWrappingKey _other = DatacenterWrappingKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task CopyWrappedForTheRegisteredKey_ThatThisKeyserverDoesNotHold_AnswersInternal()
    {
        await using var store = new InMemoryControlPlaneStore();
        using var seeder = new StoreSeeder(store);
        await seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
        await seeder.RegisterWrappingKeyAsync("fra1", _other.Public);
        await using var fra1 = await ClusterHarness.StartAsync(store, "fra1");
        await seeder.CreatePolicyAsync("fra-only", "dc: fra1");
        await fra1.WhenAppliedAsync(await seeder.ImportKeyAsync("k1", "fra-only", _key));

        var response = await fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.Internal, response.Error.Code);
        Assert.Equal("key 'k1' cannot be opened by this keyserver in datacenter 'fra1'; the keyserver log names the cause", response.Error.Message);
        Assert.Equal(0, fra1.Keys.PrivateKeyLoadsTotal);
        Assert.Equal(new ManagedKeyCounts(0, 0, 1), fra1.State.Counts);
        var unavailable = Assert.Single(fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyUnavailable");
        Assert.Contains(_other.Fingerprint, unavailable.Message, StringComparison.Ordinal);
        Assert.Contains(fra1.WrappingKey.Fingerprint, unavailable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermittedDatacenter_WhoseCopyIsNotWrappedYet_AnswersInternalNotPolicyDenied()
    {
        await using var store = new InMemoryControlPlaneStore();
        using var seeder = new StoreSeeder(store);
        await seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
        await seeder.CreatePolicyAsync("fra-only", "dc: fra1");
        await seeder.ImportKeyAsync("k1", "fra-only", _key);
        await using var fra1 = await ClusterHarness.StartAsync(store, "fra1", settings: new Dictionary<string, string?> { ["Cluster:RegisterWrappingKey"] = "false" });

        var response = await fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.Internal, response.Error.Code);
        Assert.Contains(fra1.Logs.Entries, e => e.EventId.Name == "PolicyCopyMissing");
        Assert.Contains(fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyUnavailable" && e.Message.Contains("no policy key wrapped to it yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CopyAlteredToClaimThisKeyserversFingerprint_FailsAuthentication_AndAnswersInternal()
    {
        await using var cluster = await TwoDatacenters.StartAsync();
        await cluster.Seeder.ImportKeyAsync("k1", "eu-only", _key);
        var forged = await cluster.Seeder.WrapPolicyKeyForAsync("eu-only", "fra1", _other.Public);
        var revision = await cluster.Seeder.TamperWithPolicyAsync("eu-only", p => p with
        {
            WrappedKeys = [.. p.WrappedKeys.Select(w => w.DatacenterId == "fra1" ? w with { Blob = forged.Blob } : w)],
        });
        await cluster.Fra1.WhenAppliedAsync(revision);

        var first = await cluster.Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        var second = await cluster.Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.Internal, first.Error.Code);
        Assert.Equal(ErrorCode.Internal, second.Error.Code);
        Assert.Equal("the private key for 'k1' cannot be opened by this keyserver; the keyserver log names the cause", first.Error.Message);
        var failure = Assert.Single(cluster.Fra1.Logs.Entries, e => e.EventId.Name == "PrivateKeyLoadFailed");
        Assert.Contains("authentication failed", failure.Message, StringComparison.Ordinal);
        Assert.Contains(cluster.Fra1.WrappingKey.Fingerprint, failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Fra1.Keys.LoadedPrivateKeyCount);
    }

    [Fact]
    public async Task KeyWrappedUnderAnOlderPolicyKeyGeneration_AnswersInternal()
    {
        await using var cluster = await TwoDatacenters.StartAsync();
        await cluster.Seeder.ImportKeyAsync("k1", "eu-only", _key);
        var snapshot = await cluster.Store.ReadSnapshotAsync(CancellationToken.None);
        var record = snapshot.FindKey("k1")!;
        var revision = await cluster.Seeder.CommitAsync(new ControlPlane.Store.Changes.ChangeSet
        {
            Audit = new ControlPlane.Store.Audit.AuditDraft("operator@test", "key.import", "key/k1", "{}"),
            UpsertKeys = [record with { PolicyKeyGeneration = 0 }],
        });
        await cluster.Fra1.WhenAppliedAsync(revision);

        var response = await cluster.Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.Internal, response.Error.Code);
        Assert.Contains(cluster.Fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyUnavailable" && e.Message.Contains("generation 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyFile_WinsOverAManagedKeyWithTheSameId()
    {
        using var directory = new TempDirectory();
        using var local = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyPath = Path.Combine(directory.Path, "k1.key");
        File.WriteAllText(keyPath, local.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(directory.Path, "k1.pub"), local.ExportSubjectPublicKeyInfoPem());
        await using var cluster = await TwoDatacenters.StartAsync(new Dictionary<string, string?> { ["KeyServer:KeysDirectory"] = directory.Path });
        await cluster.Fra1.WhenAppliedAsync(await cluster.Seeder.ImportKeyAsync("k1", "eu-only", _key));

        var response = await cluster.Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.True(local.VerifyHash(Digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Contains(cluster.Fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyShadowed" && e.Message.Contains("k1", StringComparison.Ordinal));
    }
}
