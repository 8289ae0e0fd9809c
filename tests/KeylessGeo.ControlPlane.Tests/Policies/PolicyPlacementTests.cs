using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Tests.Policies;

/// <summary>Creating and changing policies puts the policy key exactly where the policy permits.</summary>
public sealed class PolicyPlacementTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => _harness.SetUpAsync();

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Create_WrapsThePolicyKeyForEachPermittedDatacenter_WhichOpensItWithItsOwnKey()
    {
        var change = await _harness.CreatePolicyAsync("eu-only", "region: EU and not country: FR");

        Assert.Equal<string>(["ams1", "fra1"], change.Policy.PermittedDatacenters);
        Assert.Equal(1, change.Policy.Version);
        Assert.Equal(1, change.Policy.KeyGeneration);
        var policy = (await _harness.SnapshotAsync()).FindPolicy("eu-only")!;
        Assert.Equal<string>(["ams1", "fra1"], policy.WrappedKeys.Select(c => c.DatacenterId));
        foreach (var copy in policy.WrappedKeys)
        {
            Assert.Equal(_harness.DatacenterKey(copy.DatacenterId).Fingerprint, copy.WrappingKeyFingerprint);
            using var opened = _harness.OpenPolicyKeyAs(copy.DatacenterId, policy, copy);
        }

        Assert.Equal(ControlPlaneKeyring.DatacenterId, policy.ControlPlaneCopy.DatacenterId);
        Assert.Equal(_harness.Keyring.Fingerprint, policy.ControlPlaneCopy.WrappingKeyFingerprint);
    }

    [Fact]
    public async Task Create_GivesADatacenterOutsideThePolicyNoCopy_AndNoBlobOpensWithItsKey()
    {
        await _harness.CreatePolicyAsync("eu-only", "region: EU");
        await _harness.ImportAsync("shop", "eu-only", TestKeys.EcP256Pkcs8());
        var snapshot = await _harness.SnapshotAsync();
        var policy = snapshot.FindPolicy("eu-only")!;

        Assert.DoesNotContain(policy.WrappedKeys, c => c.DatacenterId == "iad1");
        var outsider = _harness.DatacenterKey("iad1");
        foreach (var copy in policy.WrappedKeys.Append(policy.ControlPlaneCopy))
        {
            // Even presented as its own copy, no blob opens with iad1's wrapping key.
            Assert.Throws<WrappedKeyAuthenticationException>(() => PolicyKeyWrapping.Unwrap(copy.Blob, outsider, new PolicyKeyContext("eu-only", 1, copy.DatacenterId)));
            Assert.Throws<WrappedKeyAuthenticationException>(() => PolicyKeyWrapping.Unwrap(copy.Blob, outsider, new PolicyKeyContext("eu-only", 1, "iad1")));
        }
    }

    [Fact]
    public async Task Create_WithAPermittedDatacenterWithoutAWrappingKey_ReportsItPending_AndRegistrationWrapsTheKeyForIt()
    {
        await using var harness = new ServiceHarness();
        await harness.SetUpAsync(register: false);
        await harness.RegisterAsync("fra1");

        var change = await harness.CreatePolicyAsync("eu-only", "region: EU");

        Assert.Equal<string>(["fra1"], change.Policy.WrappedFor);
        Assert.Equal<string>(["ams1", "cdg1"], change.Policy.PendingDatacenters);
        var registration = await harness.RegisterAsync("ams1");
        Assert.Equal<string>(["eu-only"], registration.PoliciesWrapped);
        var policy = (await harness.SnapshotAsync()).FindPolicy("eu-only")!;
        using var opened = harness.OpenPolicyKeyAs("ams1", policy, policy.WrappedKeys.Single(c => c.DatacenterId == "ams1"));
    }

    [Fact]
    public async Task Update_Narrowing_DeletesTheRemovedCopy_KeepsTheOthersAndThePrivateKeyBlobsByteForByte()
    {
        await _harness.CreatePolicyAsync("eu-only", "region: EU");
        await _harness.ImportAsync("shop", "eu-only", TestKeys.EcP256Pkcs8());
        var before = await _harness.SnapshotAsync();

        var change = await _harness.UpdatePolicyAsync("eu-only", "region: EU and not country: FR");

        var after = await _harness.SnapshotAsync();
        var policy = after.FindPolicy("eu-only")!;
        Assert.Equal(2, policy.Version);
        Assert.Equal(1, policy.KeyGeneration);
        Assert.Equal<string>(["cdg1"], change.Removed);
        Assert.True(change.RotationRecommended);
        Assert.Equal<string>(["ams1", "fra1"], policy.WrappedKeys.Select(c => c.DatacenterId));
        Assert.Equal(before.FindPolicy("eu-only")!.WrappedKeys.Where(c => c.DatacenterId != "cdg1").Select(c => c.Blob), policy.WrappedKeys.Select(c => c.Blob));
        Assert.Equal(before.FindKey("shop")!.WrappedPrivateKey, after.FindKey("shop")!.WrappedPrivateKey);
        Assert.Same(before.FindKey("shop"), after.FindKey("shop"));
    }

    [Fact]
    public async Task Update_Widening_WrapsTheSamePolicyKeyForTheAddedDatacenter()
    {
        await _harness.CreatePolicyAsync("de-only", "country: DE");
        await _harness.ImportAsync("shop", "de-only", TestKeys.EcP256Pkcs8());

        var change = await _harness.UpdatePolicyAsync("de-only", "country: DE or country: US");

        Assert.Equal<string>(["iad1"], change.Added);
        Assert.False(change.RotationRecommended);
        var fromFra = await _harness.RecoverPrivateKeyAsync("fra1", "shop");
        var fromIad = await _harness.RecoverPrivateKeyAsync("iad1", "shop");
        Assert.Equal(fromFra, fromIad);
    }

    [Fact]
    public async Task RotateKey_MakesANewGeneration_RewrapsEveryKey_AndTheOldCopyNoLongerOpensTheNewBlobs()
    {
        await _harness.CreatePolicyAsync("eu-only", "region: EU");
        var pem = TestKeys.EcP256Pkcs8();
        await _harness.ImportAsync("shop", "eu-only", pem);
        var before = await _harness.SnapshotAsync();
        var oldPolicy = before.FindPolicy("eu-only")!;
        using var oldKeptByCdg = _harness.OpenPolicyKeyAs("cdg1", oldPolicy, oldPolicy.WrappedKeys.Single(c => c.DatacenterId == "cdg1"));

        var rotation = await _harness.Services.PolicyKeys.RotateKeyAsync(ServiceHarness.Actor, "eu-only", CancellationToken.None);

        Assert.Equal(2, rotation.Generation);
        Assert.Equal<string>(["shop"], rotation.KeysRewrapped);
        Assert.Equal(before.Revision + 1, rotation.Revision);
        var after = await _harness.SnapshotAsync();
        var key = after.FindKey("shop")!;
        Assert.Equal(2, key.PolicyKeyGeneration);
        Assert.NotEqual(before.FindKey("shop")!.WrappedPrivateKey, key.WrappedPrivateKey);
        Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(key.WrappedPrivateKey, oldKeptByCdg, new KeyWrapContext("shop", "eu-only", 2, 1)));
        Assert.Equal(TestKeys.Pkcs8Der(pem), await _harness.RecoverPrivateKeyAsync("cdg1", "shop"));
    }

    [Fact]
    public async Task Delete_WhileKeysAreAttached_IsRefusedListingThem_AndDeletingAnUnusedPolicyRemovesIt()
    {
        await _harness.CreatePolicyAsync("eu-only", "region: EU");
        await _harness.CreatePolicyAsync("unused", "region: NA");
        await _harness.ImportAsync("shop", "eu-only", TestKeys.EcP256Pkcs8());

        var refused = await Refusals.AssertRefusedAsync(_harness, "policy-in-use", KeylessGeo.ControlPlane.Operations.ErrorKind.Conflict,
            () => _harness.Services.PolicyKeys.DeleteAsync(ServiceHarness.Actor, "eu-only", CancellationToken.None));
        Assert.Contains("shop", refused.Message, StringComparison.Ordinal);

        await _harness.Services.PolicyKeys.DeleteAsync(ServiceHarness.Actor, "unused", CancellationToken.None);
        Assert.Null((await _harness.SnapshotAsync()).FindPolicy("unused"));
    }
}
