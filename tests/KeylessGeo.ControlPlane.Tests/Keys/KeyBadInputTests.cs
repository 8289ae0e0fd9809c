using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Tests.Keys;

/// <summary>Every refused import names the problem, never echoes key material, and changes nothing.</summary>
public sealed class KeyBadInputTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public async Task InitializeAsync()
    {
        await _harness.SetUpAsync();
        await _harness.CreatePolicyAsync("eu", "region: EU");
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Import_OfMalformedPem_IsRefused()
    {
        var pem = TestKeys.EcP256Pkcs8();
        var truncated = pem[..(pem.Length / 2)] + "\n-----END PRIVATE KEY-----\n";

        var refused = await RefusedAsync(ErrorCodes.MalformedPem, () => _harness.ImportAsync("k", "eu", truncated));
        Assert.Equal("privateKey", Assert.Single(refused.Errors).Field);
        await RefusedAsync(ErrorCodes.MalformedPem, () => _harness.ImportAsync("k", "eu", "just some text"));
        var certificateOnly = await RefusedAsync(ErrorCodes.MalformedPem, () => _harness.ImportAsync("k", "eu", TestKeys.Certificate(pem, "a.example")));
        Assert.Contains("'CERTIFICATE'", certificateOnly.Message, StringComparison.Ordinal);
        AssertNoSecret(refused, pem);
    }

    [Fact]
    public async Task Import_OfAnEncryptedKeyWithoutPassphrase_AsksForIt()
    {
        await RefusedAsync(ErrorCodes.PassphraseRequired, () => _harness.ImportAsync("k", "eu", TestKeys.Encrypted(TestKeys.EcP256Pkcs8())));
    }

    [Fact]
    public async Task Import_WithAWrongPassphrase_SaysSo_WithoutEchoingIt()
    {
        var pem = TestKeys.EcP256Pkcs8();

        var refused = await RefusedAsync(ErrorCodes.WrongPassphrase, () => _harness.ImportAsync("k", "eu", TestKeys.Encrypted(pem), passphrase: "hunter2-wrong"));

        Assert.DoesNotContain("hunter2", refused.ToString(), StringComparison.Ordinal);
        AssertNoSecret(refused, pem);
    }

    [Fact]
    public async Task Import_WithADuplicateKeyId_IsAConflict()
    {
        await _harness.ImportAsync("k", "eu", TestKeys.EcP256Pkcs8());

        await RefusedAsync(ErrorCodes.KeyExists, () => _harness.ImportAsync("k", "eu", TestKeys.EcP256Pkcs8()));
    }

    [Fact]
    public async Task Import_OfAKeyPairAlreadyManaged_IsAConflictNamingTheOtherKey()
    {
        var pem = TestKeys.EcP256Pkcs8();
        await _harness.ImportAsync("first", "eu", pem);

        var refused = await RefusedAsync(ErrorCodes.DuplicateKeyMaterial, () => _harness.ImportAsync("second", "eu", pem));

        Assert.Contains("'first'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_UnderAnUnknownPolicy_IsNotFound()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.PolicyNotFound, ErrorKind.NotFound,
            () => _harness.ImportAsync("k", "nope", TestKeys.EcP256Pkcs8()));

        Assert.Equal("policy", Assert.Single(refused.Errors).Field);
    }

    [Fact]
    public async Task Import_WithACertificateForAnotherKey_IsRefused()
    {
        var pem = TestKeys.EcP256Pkcs8();
        var other = TestKeys.EcP256Pkcs8();

        var refused = await RefusedAsync(ErrorCodes.CertificateMismatch, () => _harness.ImportAsync("k", "eu", pem, certificate: TestKeys.Certificate(other, "a.example")));

        Assert.Equal("certificate", Assert.Single(refused.Errors).Field);
        await RefusedAsync(ErrorCodes.MalformedCertificate, () => _harness.ImportAsync("k", "eu", pem, certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"));
    }

    [Fact]
    public async Task Import_OfUnsupportedKeys_SaysWhatIsSupported()
    {
        using var small = RSA.Create(1024);
        var rsa1024 = await RefusedAsync(ErrorCodes.UnsupportedKey, () => _harness.ImportAsync("k", "eu", small.ExportPkcs8PrivateKeyPem()));
        Assert.Contains("1024 bits", rsa1024.Message, StringComparison.Ordinal);

        var secp256k1 = await RefusedAsync(ErrorCodes.UnsupportedKey, () => _harness.ImportAsync("k", "eu", TestKeys.EcSec1(ECCurve.CreateFromValue("1.3.132.0.10"))));
        Assert.Contains("P-256, P-384 and P-521", secp256k1.Message, StringComparison.Ordinal);

        using var x25519 = new TempDirectory();
        await KeylessGeo.Testing.OpenSslCli.RunAsync("genpkey", "-algorithm", "x25519", "-out", x25519.File("x.key"));
        await RefusedAsync(ErrorCodes.UnsupportedKey, async () => await _harness.ImportAsync("k", "eu", await File.ReadAllTextAsync(x25519.File("x.key"))));
    }

    [Fact]
    public async Task Import_WithInvalidHostNamesOrIds_ListsEveryBadOne()
    {
        var refused = await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidHostName, ErrorKind.Syntax,
            () => _harness.ImportAsync("k", "eu", TestKeys.EcP256Pkcs8(), hosts: ["ok.example", "bad host", "a..b"]));

        Assert.Equal(["hostNames[1]", "hostNames[2]"], refused.Errors.Select(e => e.Field));
        await Refusals.AssertRefusedAsync(_harness, ErrorCodes.InvalidId, ErrorKind.Syntax, () => _harness.ImportAsync("../etc/passwd", "eu", TestKeys.EcP256Pkcs8()));
    }

    private Task<ControlPlaneException> RefusedAsync(string code, Func<Task> operation) =>
        Refusals.AssertRefusedAsync(_harness, code, code is ErrorCodes.KeyExists or ErrorCodes.DuplicateKeyMaterial ? ErrorKind.Conflict : ErrorKind.Invalid, operation);

    private static void AssertNoSecret(ControlPlaneException refused, string pem)
    {
        var der = TestKeys.Pkcs8Der(pem);
        var text = refused.ToString();
        Assert.DoesNotContain(Convert.ToBase64String(der)[..24], text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(der)[..24], text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(pem.Split('\n')[1][..20], text, StringComparison.Ordinal);
    }
}
