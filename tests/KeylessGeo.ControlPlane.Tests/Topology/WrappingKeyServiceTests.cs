using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Tests.Topology;

/// <summary>Registering a datacenter's wrapping key wraps every policy that permits it, to that key.</summary>
public sealed class WrappingKeyServiceTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public Task InitializeAsync() => _harness.SetUpAsync(register: false);

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Register_AcceptsPemAndBase64Der()
    {
        var pem = await _harness.RegisterAsync("fra1");
        var der = await _harness.Services.WrappingKeys.RegisterAsync(ServiceHarness.Actor, "ams1", Convert.ToBase64String(_harness.DatacenterKey("ams1").PublicKey), CancellationToken.None);

        Assert.Equal(_harness.DatacenterKey("fra1").Fingerprint, pem.Fingerprint);
        Assert.Equal(_harness.DatacenterKey("ams1").Fingerprint, der.Fingerprint);
        Assert.True(pem.Changed && der.Changed);
    }

    [Fact]
    public async Task Register_ForADatacenterNotInTheTopology_IsNotFound()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.DatacenterNotFound, ErrorKind.NotFound,
            () => _harness.RegisterAsync("zrh1"));

        Assert.Contains("known: ams1, cdg1, fra1, iad1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_WithAKeyThatIsNotP256_IsRefused()
    {
        using var rsa = RSA.Create(2048);
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidWrappingKey, ErrorKind.Invalid,
            () => _harness.Services.WrappingKeys.RegisterAsync(ServiceHarness.Actor, "fra1", rsa.ExportSubjectPublicKeyInfoPem(), CancellationToken.None));
        using var p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidWrappingKey, ErrorKind.Invalid,
            () => _harness.Services.WrappingKeys.RegisterAsync(ServiceHarness.Actor, "fra1", p384.ExportSubjectPublicKeyInfoPem(), CancellationToken.None));
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidWrappingKey, ErrorKind.Invalid,
            () => _harness.Services.WrappingKeys.RegisterAsync(ServiceHarness.Actor, "fra1", "not base64 at all!", CancellationToken.None));
    }

    [Fact]
    public async Task Register_TheSameKeyAgain_ChangesNothing()
    {
        await _harness.RegisterAsync("fra1");
        var before = await _harness.CaptureAsync();

        var again = await _harness.RegisterAsync("fra1");

        Assert.False(again.Changed);
        await before.AssertUnchangedAsync(_harness.Store);
    }

    [Fact]
    public async Task Register_AReplacementKey_RewrapsThePolicyKeySoOnlyTheNewKeyOpensIt()
    {
        await _harness.RegisterAsync("fra1");
        await _harness.CreatePolicyAsync("de", "country: DE");
        using var replacement = DatacenterWrappingKey.Generate();
        var oldKey = _harness.DatacenterKey("fra1");

        var registration = await _harness.Services.WrappingKeys.RegisterAsync(ServiceHarness.Actor, "fra1", PemEncoding.WriteString("PUBLIC KEY", replacement.PublicKey), CancellationToken.None);

        Assert.Equal(oldKey.Fingerprint, registration.PreviousFingerprint);
        Assert.Equal<string>(["de"], registration.PoliciesWrapped);
        var policy = (await _harness.SnapshotAsync()).FindPolicy("de")!;
        var copy = Assert.Single(policy.WrappedKeys);
        Assert.Equal(replacement.Fingerprint, copy.WrappingKeyFingerprint);
        var context = new PolicyKeyContext("de", 1, "fra1");
        using (PolicyKeyWrapping.Unwrap(copy.Blob, replacement, context))
        {
        }

        Assert.Throws<WrappedKeyAuthenticationException>(() => PolicyKeyWrapping.Unwrap(copy.Blob, oldKey, context));
    }
}
