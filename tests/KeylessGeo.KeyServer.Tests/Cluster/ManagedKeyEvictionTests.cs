using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Crypto;
using KeylessGeo.KeyServer.Tests.Admission;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// A key that becomes denied, is removed or changes leaves the private key cache at once:
/// operations that hold it finish, new lookups see the new state, and a request that looked
/// the key up before the change is answered from the new state without loading the old key.
/// </summary>
public sealed class ManagedKeyEvictionTests : IAsyncLifetime, IDisposable
{
    private static readonly byte[] Digest = SHA256.HashData("handshake"u8);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ManualResetEventSlim _gate = new(false);
    private TwoDatacenters _cluster = null!;

    private ClusterHarness Fra1 => _cluster.Fra1;

    public async Task InitializeAsync()
    {
        _cluster = await TwoDatacenters.StartAsync(new Dictionary<string, string?> { ["KeyServer:Admission:Workers"] = "1" });
        await _cluster.AppliedAsync(await _cluster.Seeder.ImportKeyAsync("k1", "eu-only", _key));
        var first = await Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        Assert.True(first.OutcomeCase == SignResponse.OutcomeOneofCase.Result, first.ToString());
        Assert.Equal(1, Fra1.Keys.LoadedPrivateKeyCount);
    }

    public async Task DisposeAsync()
    {
        _gate.Set();
        await _cluster.DisposeAsync();
    }

    public void Dispose()
    {
        _key.Dispose();
        _gate.Dispose();
    }

    [Fact]
    public async Task NarrowedPolicy_DropsTheLoadedKey_WhileAnOperationHoldingItFinishes()
    {
        var lookup = Fra1.Keys.Find(new KeyRef { KeyId = "k1" });
        using (var lease = Fra1.Keys.Acquire(lookup.Key!))
        {
            await _cluster.AppliedAsync(await _cluster.Seeder.UpdatePolicyAsync("eu-only", "region: NA"));

            Assert.Equal(0, Fra1.Keys.LoadedPrivateKeyCount);
            var signature = PrivateKeyOperations.Execute(lease.Key, Operation.EcdsaSha256, Digest);
            Assert.True(_key.VerifyHash(Digest, signature, DSASignatureFormat.Rfc3279DerSequence));
        }

        var denied = await Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        Assert.Equal(ErrorCode.PolicyDenied, denied.Error.Code);
        Assert.Equal("key 'k1' may not be used in datacenter 'fra1' (policy 'eu-only' v2)", denied.Error.Message);
        Assert.Contains(Fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyEvicted" && e.Message.Contains("no longer permits", StringComparison.Ordinal));
        Assert.Contains(Fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyDenied" && e.Message.Contains("k1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestLookedUpBeforeTheChange_IsAnsweredFromTheNewState_WithoutLoadingTheOldKey()
    {
        var admission = Fra1.Services.GetRequiredService<AdmissionController>();
        var blocker = new GatedWorkItem(DateTimeOffset.MaxValue, _gate);
        Assert.True(admission.TryEnqueue(blocker).IsAccepted);
        await blocker.Started.Task.WaitAsync(ClusterHarness.HangGuard);
        var queued = Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        var loads = Fra1.Keys.PrivateKeyLoadsTotal;

        await _cluster.AppliedAsync(await _cluster.Seeder.UpdatePolicyAsync("eu-only", "region: NA"));
        _gate.Set();
        var response = await queued.WaitAsync(ClusterHarness.HangGuard);

        Assert.Equal(ErrorCode.PolicyDenied, response.Error.Code);
        Assert.Equal(loads, Fra1.Keys.PrivateKeyLoadsTotal);
        Assert.Equal(0, Fra1.Keys.LoadedPrivateKeyCount);
    }

    [Fact]
    public async Task RotatedKey_IsServedWithTheNewPrivateKey_AndTheOldOneIsDropped()
    {
        using var rotated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await _cluster.AppliedAsync(await _cluster.Seeder.RotateKeyAsync("k1", rotated));

        var response = await Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.True(rotated.VerifyHash(Digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(_key.VerifyHash(Digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(1, Fra1.Keys.LoadedPrivateKeyCount);
        Assert.Contains(Fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyChanged" && e.Message.Contains("version 1 -> 2", StringComparison.Ordinal));
        Assert.Contains(Fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyEvicted" && e.Message.Contains("now version 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemovedKey_AnswersKeyNotFound_AndIsDropped()
    {
        await _cluster.AppliedAsync(await _cluster.Seeder.RemoveKeyAsync("k1"));

        var response = await Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
        Assert.Equal(0, Fra1.Keys.LoadedPrivateKeyCount);
        Assert.Contains(Fra1.Logs.Entries, e => e.EventId.Name == "ManagedKeyRemoved");
    }

    [Fact]
    public async Task PolicyChange_ThatStillPermitsTheDatacenter_KeepsTheLoadedKey()
    {
        var loads = Fra1.Keys.PrivateKeyLoadsTotal;

        await _cluster.AppliedAsync(await _cluster.Seeder.UpdatePolicyAsync("eu-only", "region: EU or country: US"));
        var response = await Fra1.SignAsync("k1", Operation.EcdsaSha256, Digest);
        var sfo1 = await _cluster.Sfo1.SignAsync("k1", Operation.EcdsaSha256, Digest);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.Equal(loads, Fra1.Keys.PrivateKeyLoadsTotal);
        Assert.True(sfo1.OutcomeCase == SignResponse.OutcomeOneofCase.Result, sfo1.ToString());
    }
}
