using System.Net;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Tests.Keys;

/// <summary>Rotating, removing and re-attaching keys.</summary>
public sealed class KeyLifecycleTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public async Task InitializeAsync()
    {
        await _harness.SetUpAsync();
        await _harness.CreatePolicyAsync("eu", "region: EU");
        await _harness.CreatePolicyAsync("us", "region: NA");
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Rotate_ReplacesThePrivateKeyUnderTheSameId_AsTheNextVersion()
    {
        var first = TestKeys.EcP256Pkcs8();
        await _harness.ImportAsync("shop", "eu", first, certificate: TestKeys.Certificate(first, "shop.example"));
        var second = TestKeys.RsaPkcs8();
        using var material = TestKeys.Material(second);

        var change = await _harness.Services.Keys.RotateAsync(ServiceHarness.Actor, new RotateKeyRequest { KeyId = "shop", PrivateKey = material }, CancellationToken.None);

        Assert.Equal(2, change.Key.Version);
        Assert.Equal("rsa2048", change.Key.Algorithm);
        Assert.Null(change.Key.Certificate);
        Assert.Equal<string>(["shop.example"], change.Key.HostNames);
        Assert.Equal(TestKeys.Pkcs8Der(second), await _harness.RecoverPrivateKeyAsync("fra1", "shop"));
    }

    [Fact]
    public async Task ImportAndRotate_RecordTheCertificatesIpAddresses_AsTheKeyserverIndexesThem()
    {
        var first = TestKeys.EcP256Pkcs8();
        var addresses = new[] { IPAddress.Parse("192.0.2.1"), IPAddress.Parse("::ffff:198.51.100.2"), IPAddress.Parse("2001:db8::3") };
        await _harness.ImportAsync("shop", "eu", first, certificate: TestKeys.Certificate(first, ["shop.example"], addresses));
        await _harness.ImportAsync("bare", "eu", TestKeys.EcP256Pkcs8());

        var imported = (await _harness.SnapshotAsync()).FindKey("shop")!;
        Assert.Equal(
            ["192.0.2.1", "198.51.100.2", "2001:db8::3"],
            imported.IpAddresses!.Value.Select(ip => new IPAddress(ip).ToString()));
        Assert.True((await _harness.SnapshotAsync()).FindKey("bare")!.IpAddresses is { IsEmpty: true }, "recorded as none, not as unknown");

        var second = TestKeys.EcP256Pkcs8();
        using (var material = TestKeys.Material(second))
        {
            await _harness.Services.Keys.RotateAsync(
                ServiceHarness.Actor,
                new RotateKeyRequest { KeyId = "shop", PrivateKey = material, CertificatePem = TestKeys.Certificate(second, ["shop.example"], [IPAddress.Parse("203.0.113.4")]) },
                CancellationToken.None);
        }

        Assert.Equal(["203.0.113.4"], (await _harness.SnapshotAsync()).FindKey("shop")!.IpAddresses!.Value.Select(ip => new IPAddress(ip).ToString()));

        // A rotation without a certificate drops the certificate, and its addresses with it.
        using (var material = TestKeys.Material(TestKeys.EcP256Pkcs8()))
        {
            await _harness.Services.Keys.RotateAsync(ServiceHarness.Actor, new RotateKeyRequest { KeyId = "shop", PrivateKey = material }, CancellationToken.None);
        }

        var rotated = (await _harness.SnapshotAsync()).FindKey("shop")!;
        Assert.Null(rotated.CertificatePem);
        Assert.True(rotated.IpAddresses is { IsEmpty: true });
    }

    [Fact]
    public async Task Rotate_ToTheSameKeyPair_OrAnUnknownKey_IsRefused()
    {
        var pem = TestKeys.EcP256Pkcs8();
        await _harness.ImportAsync("shop", "eu", pem);

        using var same = TestKeys.Material(pem);
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.DuplicateKeyMaterial, ErrorKind.Conflict,
            () => _harness.Services.Keys.RotateAsync(ServiceHarness.Actor, new RotateKeyRequest { KeyId = "shop", PrivateKey = same }, CancellationToken.None));
        using var other = TestKeys.Material(TestKeys.EcP256Pkcs8());
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.KeyNotFound, ErrorKind.NotFound,
            () => _harness.Services.Keys.RotateAsync(ServiceHarness.Actor, new RotateKeyRequest { KeyId = "nope", PrivateKey = other }, CancellationToken.None));
    }

    [Fact]
    public async Task Remove_DeletesTheKey_AndAnUnknownKeyIsNotFound()
    {
        await _harness.ImportAsync("shop", "eu", TestKeys.EcP256Pkcs8());

        var removal = await _harness.Services.Keys.RemoveAsync(ServiceHarness.Actor, "shop", CancellationToken.None);

        Assert.Equal("eu", removal.PolicyId);
        Assert.Null((await _harness.SnapshotAsync()).FindKey("shop"));
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.KeyNotFound, ErrorKind.NotFound,
            () => _harness.Services.Keys.RemoveAsync(ServiceHarness.Actor, "shop", CancellationToken.None));
    }

    [Fact]
    public async Task Attach_RewrapsWithTheNewPolicysKey_SoOnlyItsDatacentersOpenIt()
    {
        var pem = TestKeys.EcP256Pkcs8();
        await _harness.ImportAsync("shop", "eu", pem);
        var euPolicy = (await _harness.SnapshotAsync()).FindPolicy("eu")!;
        using var euKey = _harness.OpenPolicyKeyAs("fra1", euPolicy, euPolicy.WrappedKeys.Single(c => c.DatacenterId == "fra1"));

        var change = await _harness.Services.Keys.AttachAsync(ServiceHarness.Actor, "shop", "us", CancellationToken.None);

        Assert.Equal("eu", change.PreviousPolicyId);
        Assert.Equal<string>(["iad1"], change.Added);
        Assert.Equal<string>(["ams1", "cdg1", "fra1"], change.Removed);
        Assert.Equal(TestKeys.Pkcs8Der(pem), await _harness.RecoverPrivateKeyAsync("iad1", "shop"));
        var key = (await _harness.SnapshotAsync()).FindKey("shop")!;
        Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(key.WrappedPrivateKey, euKey, new KeyWrapContext("shop", "us", 1, 1)));
        Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(key.WrappedPrivateKey, euKey, new KeyWrapContext("shop", "eu", 1, 1)));
    }

    [Fact]
    public async Task Attach_ToItsOwnPolicy_ChangesNothing_AndToAnUnknownPolicyIsNotFound()
    {
        await _harness.ImportAsync("shop", "eu", TestKeys.EcP256Pkcs8());
        var before = await _harness.CaptureAsync();

        var same = await _harness.Services.Keys.AttachAsync(ServiceHarness.Actor, "shop", "eu", CancellationToken.None);

        Assert.False(same.Changed);
        await before.AssertUnchangedAsync(_harness.Store);
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.PolicyNotFound, ErrorKind.NotFound,
            () => _harness.Services.Keys.AttachAsync(ServiceHarness.Actor, "shop", "nope", CancellationToken.None));
    }
}
