using System.Security.Cryptography;
using System.Text;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>Public information indexed at start-up, checked against values openssl computes.</summary>
[Collection(TestKeysCollection.Name)]
public sealed class KeyIndexTests : IDisposable
{
    private readonly TestKeys _keys;
    private readonly KeyServerHarness _server;

    public KeyIndexTests(TestKeys keys)
    {
        _keys = keys;
        _server = new KeyServerHarness(keys.Directory);
    }

    [Theory]
    [InlineData(TestKeys.Rsa2048Pkcs1)]
    [InlineData(TestKeys.EcP256Sec1)]
    [InlineData(TestKeys.Ed25519)]
    public async Task Ski_MatchesTheSubjectKeyIdentifierOpenSslPutInTheCertificate(string name)
    {
        var text = await OpenSslCli.RunAsync("x509", "-noout", "-in", _keys.CertificatePath(name), "-ext", "subjectKeyIdentifier");
        var expected = Convert.FromHexString(text.Split('\n')[1].Trim().Replace(":", "", StringComparison.Ordinal));

        Assert.Equal(expected, Indexed(name).Ski);
    }

    [Theory]
    [InlineData(TestKeys.Rsa2048Pkcs1)]
    [InlineData(TestKeys.Rsa3072Pkcs1)]
    [InlineData(TestKeys.Rsa4096Pkcs1)]
    [InlineData(TestKeys.Rsa2048Pkcs8)]
    public async Task CertDigest_IsSha256OfTheUppercaseHexModulusOpenSslPrints(string name)
    {
        var text = await OpenSslCli.RunAsync("rsa", "-noout", "-modulus", "-in", _keys.KeyPath(name));
        var modulusHex = text.Trim()["Modulus=".Length..].ToUpperInvariant();
        var expected = SHA256.HashData(Encoding.ASCII.GetBytes(modulusHex));

        Assert.Equal(expected, Indexed(name).CertDigest);
    }

    [Fact]
    public void Index_ReadsAlgorithmsSizesAndSources()
    {
        Assert.Equal(9, _server.Keys.IndexedKeyCount);
        Assert.Equal(KeyAlgorithm.Rsa4096, Indexed(TestKeys.Rsa4096Pkcs1).Algorithm);
        Assert.Equal(384, Indexed(TestKeys.Rsa3072Pkcs1).ModulusBytes);
        Assert.Equal(KeyAlgorithm.EcdsaP521, Indexed(TestKeys.EcP521Sec1).Algorithm);
        Assert.Equal(KeyAlgorithm.Ed25519, Indexed(TestKeys.Ed25519).Algorithm);
        Assert.Null(Indexed(TestKeys.EcP256Pkcs8).CertDigest);
        Assert.Equal("certificate", Indexed(TestKeys.Rsa2048Pkcs1).PublicKeySource);
        Assert.Equal("public key file", Indexed(TestKeys.Rsa2048Pkcs8).PublicKeySource);
        Assert.Equal("private key", Indexed(TestKeys.EcP384Sec1).PublicKeySource);
        Assert.Equal(["www.example.com", "*.wild.example.com"], Indexed(TestKeys.Rsa2048Pkcs1).HostNames);
        Assert.Equal(["ec.example.net"], Indexed(TestKeys.EcP256Sec1).HostNames);
        Assert.Equal(2, Indexed(TestKeys.Rsa2048Pkcs1).IpAddresses.Count);
    }

    [Fact]
    public void Index_WhenOnlyThePrivateKeyExists_WarnsToWriteAPublicKeyFile()
    {
        var warning = Assert.Single(_server.Logs.Entries, e => e.EventId.Name == "PublicKeyDerivedFromPrivateKey");

        Assert.Contains(TestKeys.EcP384Sec1, warning.Message, StringComparison.Ordinal);
        Assert.Contains(".pub", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_DerivedPublicKey_EqualsOpenSslsPublicKey()
    {
        var (_, expected) = ReadPem(_keys.PublicKeyPath(TestKeys.EcP384Sec1));

        Assert.Equal(expected, Indexed(TestKeys.EcP384Sec1).SubjectPublicKeyInfo);
    }

    private IndexedKey Indexed(string name) =>
        _server.Keys.Find(new Contracts.V1.KeyRef { KeyId = name }).Key ?? throw new InvalidOperationException(name + " is not indexed");

    private static (string Label, byte[] Der) ReadPem(string path)
    {
        var fields = PemEncoding.Find(File.ReadAllText(path));
        var text = File.ReadAllText(path);
        return (text[fields.Label], Convert.FromBase64String(text[fields.Base64Data]));
    }

    public void Dispose() => _server.Dispose();
}
