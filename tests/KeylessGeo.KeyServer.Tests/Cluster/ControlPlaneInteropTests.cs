using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Policies;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Topology;
using KeylessGeo.Placement;
using KeylessGeo.Policy.Topology;
using ControlPlaneKeyring = KeylessGeo.ControlPlane.Placement.ControlPlaneKeyring;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The keyservers against what the real control plane writes (its in-process service layer, the
/// same code its HTTP API runs): topology, policies, imports, narrowing and widening, policy-key
/// rotation, removal, and a datacenter whose wrapping key the control plane wraps to later.
/// </summary>
public sealed class ControlPlaneInteropTests : IAsyncLifetime, IDisposable
{
    private const string Operator = "operator@test";
    private static readonly byte[] Digest = SHA256.HashData("client hello"u8);
    private readonly InMemoryControlPlaneStore _store = new();
    private readonly ControlPlaneKeyring _keyring = new(DatacenterWrappingKey.Generate());
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private ControlPlaneServices _cp = null!;
    private ClusterHarness? _fra1;
    private ClusterHarness? _sfo1;

    private ClusterHarness Fra1 => _fra1!;

    private ClusterHarness Sfo1 => _sfo1!;

    public async Task InitializeAsync()
    {
        _cp = ControlPlaneServices.Create(_store, _keyring, new ControlPlaneServiceOptions { MinimumPermittedDatacenters = 0 });
        await _cp.Topology.ReplaceAsync(Operator, new TopologyReplacement
        {
            Datacenters =
            [
                new Datacenter { Id = "fra1", Region = "EU", Country = "DE", Tier = "standard" },
                new Datacenter { Id = "sfo1", Region = "NA", Country = "US", Tier = "standard" },
            ],
        }, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_fra1 is not null)
        {
            await _fra1.DisposeAsync();
        }

        if (_sfo1 is not null)
        {
            await _sfo1.DisposeAsync();
        }

        await _store.DisposeAsync();
    }

    public void Dispose()
    {
        _keyring.Dispose();
        _key.Dispose();
    }

    [Fact]
    public async Task WhatTheControlPlaneCommits_ReachesRunningKeyservers()
    {
        await StartKeyserversAsync();
        await _cp.Policies.CreateAsync(Operator, new PolicyRequest { Id = "eu-only", Policy = PolicyInput.FromText("region: EU") }, CancellationToken.None);

        long revision;
        using (var material = KeyMaterial.FromPem(_key.ExportPkcs8PrivateKeyPem()))
        {
            revision = (await _cp.Keys.ImportAsync(Operator, new ImportKeyRequest { KeyId = "shop", PolicyId = "eu-only", PrivateKey = material, HostNames = ["shop.example.eu"] }, CancellationToken.None)).Revision;
        }

        await AppliedAsync(revision);
        await AssertSignsAsync(Fra1);
        Assert.Equal(ErrorCode.PolicyDenied, (await Sfo1.SignAsync("shop", Operation.EcdsaSha256, Digest)).Error.Code);
        Assert.Equal(ErrorCode.PolicyDenied, (await Sfo1.SignAsync(new KeyRef { Sni = "shop.example.eu" }, Operation.EcdsaSha256, Digest)).Error.Code);

        await AppliedAsync((await _cp.Policies.UpdateAsync(Operator, new PolicyRequest { Id = "eu-only", Policy = PolicyInput.FromText("region: NA"), Force = true }, CancellationToken.None)).Revision);
        Assert.Equal(ErrorCode.PolicyDenied, (await Fra1.SignAsync("shop", Operation.EcdsaSha256, Digest)).Error.Code);
        await AssertSignsAsync(Sfo1);

        await AppliedAsync((await _cp.Policies.UpdateAsync(Operator, new PolicyRequest { Id = "eu-only", Policy = PolicyInput.FromText("region: EU") }, CancellationToken.None)).Revision);
        await AssertSignsAsync(Fra1);

        var loads = Fra1.Keys.PrivateKeyLoadsTotal;
        await AppliedAsync((await _cp.PolicyKeys.RotateKeyAsync(Operator, "eu-only", CancellationToken.None)).Revision);
        await AssertSignsAsync(Fra1);
        Assert.Equal(loads + 1, Fra1.Keys.PrivateKeyLoadsTotal);

        var keyservers = await _cp.Keyservers.ListAsync(CancellationToken.None);
        Assert.Equal(["ks-fra1", "ks-sfo1"], keyservers.Select(k => k.KeyserverId).Order(StringComparer.Ordinal));

        await AppliedAsync((await _cp.Keys.RemoveAsync(Operator, "shop", CancellationToken.None)).Revision);
        Assert.Equal(ErrorCode.KeyNotFound, (await Fra1.SignAsync("shop", Operation.EcdsaSha256, Digest)).Error.Code);
        Assert.Equal(ErrorCode.KeyNotFound, (await Sfo1.SignAsync("shop", Operation.EcdsaSha256, Digest)).Error.Code);
    }

    [Fact]
    public async Task PolicyCreatedBeforeTheKeyserverRegistered_IsServedOnceTheControlPlaneWrapsItsKeyToTheDatacenter()
    {
        await _cp.Policies.CreateAsync(Operator, new PolicyRequest { Id = "eu-only", Policy = PolicyInput.FromText("region: EU") }, CancellationToken.None);
        using (var material = KeyMaterial.FromPem(_key.ExportPkcs8PrivateKeyPem()))
        {
            await _cp.Keys.ImportAsync(Operator, new ImportKeyRequest { KeyId = "shop", PolicyId = "eu-only", PrivateKey = material }, CancellationToken.None);
        }

        await StartKeyserversAsync();
        var pending = await Fra1.SignAsync("shop", Operation.EcdsaSha256, Digest);

        // The keyserver registered its public key itself, but only the control plane can open
        // the policy key to wrap it to fra1: registering the same key through it does that.
        var registration = await _cp.WrappingKeys.RegisterAsync(
            Operator, "fra1", Convert.ToBase64String(Fra1.WrappingKey.Key.PublicKey), CancellationToken.None);
        await Fra1.WhenAppliedAsync(registration.Revision);

        Assert.Equal(ErrorCode.Internal, pending.Error.Code);
        Assert.Contains(Fra1.Logs.Entries, e => e.EventId.Name == "PolicyCopyMissing");
        await AssertSignsAsync(Fra1);
    }

    private async Task StartKeyserversAsync()
    {
        _fra1 = await ClusterHarness.StartAsync(_store, "fra1");
        _sfo1 = await ClusterHarness.StartAsync(_store, "sfo1");
        await StoreWaits.WhenWrappingKeysRegisteredAsync(_store, "fra1", "sfo1");
    }

    private async Task AppliedAsync(long revision)
    {
        await Fra1.WhenAppliedAsync(revision);
        await Sfo1.WhenAppliedAsync(revision);
    }

    private async Task AssertSignsAsync(ClusterHarness keyserver)
    {
        var response = await keyserver.SignAsync("shop", Operation.EcdsaSha256, Digest);
        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.True(_key.VerifyHash(Digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
    }
}
