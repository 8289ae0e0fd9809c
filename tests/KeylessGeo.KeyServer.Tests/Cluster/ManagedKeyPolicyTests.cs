using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Cluster;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// Which datacenters serve a managed key: the permitted one signs, the others answer
/// POLICY_DENIED (never KEY_NOT_FOUND), whichever identifier the request uses, and a tampered
/// permitted list does not get past the keyserver's own evaluation of the policy text.
/// </summary>
public sealed class ManagedKeyPolicyTests : IAsyncLifetime
{
    private TwoDatacenters _cluster = null!;
    private StoreSeeder _seeder = null!;
    private ClusterHarness _fra1 = null!;
    private ClusterHarness _sfo1 = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TwoDatacenters.StartAsync();
        (_seeder, _fra1, _sfo1) = (_cluster.Seeder, _cluster.Fra1, _cluster.Sfo1);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task KeyUnderEuPolicy_IsSignedInFra1_AndPolicyDeniedInSfo1()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var revision = await _seeder.ImportKeyAsync("k1", "eu-only", key, "k1.example.com");
        await _fra1.WhenAppliedAsync(revision);
        await _sfo1.WhenAppliedAsync(revision);
        var digest = SHA256.HashData("hello"u8);

        var signed = await _fra1.SignAsync("k1", Operation.EcdsaSha256, digest);
        var denied = await _sfo1.SignAsync("k1", Operation.EcdsaSha256, digest);

        Assert.True(signed.OutcomeCase == SignResponse.OutcomeOneofCase.Result, signed.ToString());
        Assert.True(key.VerifyHash(digest, signed.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(ErrorCode.PolicyDenied, denied.Error.Code);
        Assert.Equal("key 'k1' may not be used in datacenter 'sfo1' (policy 'eu-only' v1)", denied.Error.Message);
        Assert.Equal(new ManagedKeyCounts(1, 0, 0), _fra1.State.Counts);
        Assert.Equal(new ManagedKeyCounts(0, 1, 0), _sfo1.State.Counts);
    }

    [Fact]
    public async Task DeniedKey_FoundBySkiOrHostName_IsPolicyDeniedNotKeyNotFound()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await _sfo1.WhenAppliedAsync(await _seeder.ImportKeyAsync("k1", "eu-only", key, "k1.example.com"));
        var digest = SHA256.HashData("hello"u8);

        var bySki = await _sfo1.SignAsync(new KeyRef { Ski = Google.Protobuf.ByteString.CopyFrom(StoreSeeder.Ski(key.ExportSubjectPublicKeyInfo())) }, Operation.EcdsaSha256, digest);
        var bySni = await _sfo1.SignAsync(new KeyRef { Sni = "K1.example.com" }, Operation.EcdsaSha256, digest);
        var unknown = await _sfo1.SignAsync("k2", Operation.EcdsaSha256, digest);

        Assert.Equal(ErrorCode.PolicyDenied, bySki.Error.Code);
        Assert.Equal(ErrorCode.PolicyDenied, bySni.Error.Code);
        Assert.Equal(ErrorCode.KeyNotFound, unknown.Error.Code);
    }

    [Fact]
    public async Task TamperedPermittedList_ThatTheTextDoesNotPermit_IsRefusedBySfo1()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await _seeder.ImportKeyAsync("k1", "eu-only", key);
        // Someone with write access to the store adds sfo1, with a copy sfo1 could really open.
        var copy = await _seeder.WrapPolicyKeyForAsync("eu-only", "sfo1", _sfo1.WrappingKey.Key.Public);
        var revision = await _seeder.TamperWithPolicyAsync("eu-only", p => p with
        {
            PermittedDatacenters = [.. p.PermittedDatacenters, "sfo1"],
            WrappedKeys = [.. p.WrappedKeys, copy],
        });
        await _sfo1.WhenAppliedAsync(revision);

        var response = await _sfo1.SignAsync("k1", Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.PolicyDenied, response.Error.Code);
        Assert.Equal(0, _sfo1.Keys.PrivateKeyLoadsTotal);
        Assert.Contains(_sfo1.Logs.Entries, e => e.EventId.Name == "PolicyListIgnored" && e.Message.Contains("dc sfo1 denied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManagedKey_WithoutAnyPolicyRecord_IsPolicyDenied()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await _seeder.ImportKeyAsync("k1", "eu-only", key);
        var revision = await _seeder.CommitAsync(new ControlPlane.Store.Changes.ChangeSet
        {
            Audit = new ControlPlane.Store.Audit.AuditDraft("operator@test", "policy.delete", "policy/eu-only", "{}"),
            DeletePolicies = ["eu-only"],
        });
        await _fra1.WhenAppliedAsync(revision);

        var response = await _fra1.SignAsync("k1", Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.PolicyDenied, response.Error.Code);
        Assert.Contains("its policy 'eu-only' does not exist", response.Error.Message, StringComparison.Ordinal);
    }
}
