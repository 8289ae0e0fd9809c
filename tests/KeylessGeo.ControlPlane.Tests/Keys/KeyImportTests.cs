using System.Security.Cryptography;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Keys;

/// <summary>Importing keys of every supported form; the permitted datacenter recovers the exact key.</summary>
public sealed class KeyImportTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();

    public async Task InitializeAsync()
    {
        await _harness.SetUpAsync();
        await _harness.CreatePolicyAsync("eu", "region: EU and not country: FR");
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Import_OfAnRsaKey_MatchesOpenSslsIdentifiers_AndThePermittedDatacenterRecoversTheExactPkcs8()
    {
        var path = _harness.Directory.File("rsa.key");
        await OpenSslCli.GenerateRsaPkcs1Async(path, 2048);
        var pem = await File.ReadAllTextAsync(path);

        var change = await _harness.ImportAsync("shop", "eu", pem);

        var modulus = (await OpenSslCli.RunAsync("rsa", "-in", path, "-noout", "-modulus")).Trim()["Modulus=".Length..];
        var spki = Convert.FromBase64String(string.Concat((await OpenSslCli.RunAsync("pkey", "-in", path, "-pubout")).Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(modulus))), change.Key.CertDigest);
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(spki.AsSpan(spki.Length - 270))), change.Key.Ski);
        Assert.Equal("rsa2048", change.Key.Algorithm);
        Assert.Equal(1, change.Key.Version);
        var pkcs8 = Convert.FromBase64String(string.Concat((await OpenSslCli.RunAsync("pkcs8", "-topk8", "-nocrypt", "-in", path)).Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        Assert.Equal(pkcs8, await _harness.RecoverPrivateKeyAsync("fra1", "shop"));
        Assert.Equal(pkcs8, await _harness.RecoverPrivateKeyAsync("ams1", "shop"));
    }

    [Fact]
    public async Task Import_OfAnOpenSslEcKey_MatchesTheSkiOpenSslWritesIntoACertificate()
    {
        var key = _harness.Directory.File("ec.key");
        var certificate = _harness.Directory.File("ec.crt");
        await OpenSslCli.GenerateEcSec1Async(key, "prime256v1");
        await OpenSslCli.WriteSelfSignedCertificateAsync(key, certificate, "shop.example", "DNS:shop.example,DNS:www.shop.example");

        var change = await _harness.ImportAsync("shop", "eu", await File.ReadAllTextAsync(key), certificate: await File.ReadAllTextAsync(certificate));

        var ext = await OpenSslCli.RunAsync("x509", "-in", certificate, "-noout", "-ext", "subjectKeyIdentifier");
        var opensslSki = ext.Split('\n')[1].Trim().Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        Assert.Equal(opensslSki, change.Key.Ski);
        Assert.Equal("ecdsa-p256", change.Key.Algorithm);
        Assert.Null(change.Key.CertDigest);
        Assert.Equal<string>(["shop.example", "www.shop.example"], change.Key.HostNames);
        Assert.Equal("CN=shop.example", change.Key.Certificate!.Subject);
    }

    [Theory]
    [InlineData("rsa-pkcs8-3072", "rsa3072")]
    [InlineData("rsa-pkcs1-4096", "rsa4096")]
    [InlineData("ec-sec1-p384", "ecdsa-p384")]
    [InlineData("ec-pkcs8-p521", "ecdsa-p521")]
    public async Task Import_NamesTheAlgorithmAsTheKeyserverReportsIt(string form, string algorithm)
    {
        var pem = form switch
        {
            "rsa-pkcs8-3072" => TestKeys.RsaPkcs8(3072),
            "rsa-pkcs1-4096" => TestKeys.RsaPkcs1(4096),
            "ec-sec1-p384" => TestKeys.EcSec1(ECCurve.NamedCurves.nistP384),
            _ => TestKeys.Encrypted(TestKeys.EcSec1(ECCurve.NamedCurves.nistP521)),
        };

        var change = await _harness.ImportAsync("k", "eu", pem, passphrase: form.StartsWith("ec-pkcs8", StringComparison.Ordinal) ? TestKeys.Passphrase : null);

        Assert.Equal(algorithm, change.Key.Algorithm);
        Assert.Equal(TestKeys.Pkcs8Der(pem.Contains("ENCRYPTED", StringComparison.Ordinal) ? Decrypt(pem) : pem), await _harness.RecoverPrivateKeyAsync("fra1", "k"));
    }

    [Fact]
    public async Task Import_OfAnEncryptedKeyWithItsPassphrase_WrapsTheDecryptedKey()
    {
        var plain = TestKeys.EcP256Pkcs8();

        await _harness.ImportAsync("shop", "eu", TestKeys.Encrypted(plain), passphrase: TestKeys.Passphrase);

        Assert.Equal(TestKeys.Pkcs8Der(plain), await _harness.RecoverPrivateKeyAsync("fra1", "shop"));
    }

    [Fact]
    public async Task Import_OfAnOpenSslEncryptedKey_Decrypts()
    {
        var plain = _harness.Directory.File("plain.key");
        var encrypted = _harness.Directory.File("encrypted.key");
        await OpenSslCli.GenerateRsaPkcs8Async(plain, 2048);
        await OpenSslCli.RunAsync("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:" + TestKeys.Passphrase, "-in", plain, "-out", encrypted);

        await _harness.ImportAsync("shop", "eu", await File.ReadAllTextAsync(encrypted), passphrase: TestKeys.Passphrase);

        Assert.Equal(TestKeys.Pkcs8Der(await File.ReadAllTextAsync(plain)), await _harness.RecoverPrivateKeyAsync("fra1", "shop"));
    }

    [Fact]
    public async Task Import_OfAnEd25519Key_DerivesItsPublicKeyAsOpenSslDoes()
    {
        var pem = await TestKeys.Ed25519Async(_harness.Directory);
        var keyPath = _harness.Directory.File("ed25519.key");
        var encryptedPath = _harness.Directory.File("ed25519-encrypted.key");
        await OpenSslCli.RunAsync("pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512", "-passout", "pass:" + TestKeys.Passphrase, "-in", keyPath, "-out", encryptedPath);

        var change = await _harness.ImportAsync("ed", "eu", pem);
        var publicPem = await OpenSslCli.RunAsync("pkey", "-in", keyPath, "-pubout");
        var der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal))));
        var recovered = await _harness.RecoverPrivateKeyAsync("fra1", "ed");
        await _harness.Services.Keys.RemoveAsync(ServiceHarness.Actor, "ed", CancellationToken.None);
        var encrypted = await _harness.ImportAsync("ed", "eu", await File.ReadAllTextAsync(encryptedPath), passphrase: TestKeys.Passphrase);

        Assert.Equal(publicPem.Trim(), change.Key.PublicKeyPem.Trim());
        Assert.Equal("ed25519", change.Key.Algorithm);
        Assert.Equal(der, recovered);
        Assert.Equal(der, await _harness.RecoverPrivateKeyAsync("ams1", "ed"));
        Assert.Equal(change.Key.Ski, encrypted.Key.Ski);
    }

    [Fact]
    public async Task Import_WithHostNames_NormalizesAndMergesThemWithTheCertificates()
    {
        var pem = TestKeys.RsaPkcs8();

        var change = await _harness.ImportAsync("shop", "eu", pem, certificate: TestKeys.Certificate(pem, "shop.example"), hosts: ["API.Shop.Example.", "*.cdn.example"]);

        Assert.Equal<string>(["*.cdn.example", "api.shop.example", "shop.example"], change.Key.HostNames);
    }

    [Fact]
    public async Task Get_NeverReturnsTheWrappedBlob_UnlessAskedFor()
    {
        await _harness.ImportAsync("shop", "eu", TestKeys.EcP256Pkcs8());

        var plain = await _harness.Services.Keys.GetAsync("shop", includeWrapped: false, CancellationToken.None);
        var wrapped = await _harness.Services.Keys.GetAsync("shop", includeWrapped: true, CancellationToken.None);
        var listed = Assert.Single(await _harness.Services.Keys.ListAsync(null, CancellationToken.None));

        Assert.Null(plain.WrappedPrivateKey);
        Assert.Null(listed.WrappedPrivateKey);
        Assert.Equal((await _harness.SnapshotAsync()).FindKey("shop")!.WrappedPrivateKey, Convert.FromBase64String(wrapped.WrappedPrivateKey!));
    }

    private static string Decrypt(string encryptedPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromEncryptedPem(encryptedPem, TestKeys.Passphrase);
        return key.ExportPkcs8PrivateKeyPem();
    }
}
