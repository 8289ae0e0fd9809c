using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Keyless.Identifiers;

namespace KeylessGeo.Keyless.Tests.Identifiers;

/// <summary>Our identifiers against what the openssl CLI reports for the same keys.</summary>
public sealed class KeyIdentifiersOpenSslTests(OpenSslKeyFiles files) : IClassFixture<OpenSslKeyFiles>
{
    public static TheoryData<string, string> KeysAndFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in OpenSslKeyFiles.Generators.Keys)
        {
            data.Add(name, "crt");
            data.Add(name, "pub");
            if (name != "ed25519")
            {
                data.Add(name, "key");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KeysAndFiles))]
    public void FromFile_MatchesOpenSsl(string name, string extension)
    {
        var identity = KeyIdentifiers.FromFile(files.PathOf(name, extension));

        Assert.Equal(files.Skis[name], Convert.ToHexStringLower(identity.Ski));
        if (name.StartsWith("rsa", StringComparison.Ordinal))
        {
            Assert.Equal(PublicKeyKind.Rsa, identity.Kind);
            Assert.Equal(files.CertificateDigests[name], Convert.ToHexStringLower(identity.CertificateDigest!));
            Assert.Equal(int.Parse(name[3..7], System.Globalization.CultureInfo.InvariantCulture), identity.KeySizeBits);
        }
        else
        {
            Assert.Null(identity.CertificateDigest);
            Assert.NotEqual(PublicKeyKind.Rsa, identity.Kind);
        }
    }

    [Fact]
    public void FromFile_DescribesTheAlgorithm()
    {
        Assert.Equal("RSA 3072", KeyIdentifiers.FromFile(files.PathOf("rsa3072-pkcs8", "key")).Description);
        Assert.Equal("EC P-256", KeyIdentifiers.FromFile(files.PathOf("p256-sec1", "key")).Description);
        Assert.Equal("EC P-384", KeyIdentifiers.FromFile(files.PathOf("p384-sec1-with-params", "key")).Description);
        Assert.Equal("EC P-521", KeyIdentifiers.FromFile(files.PathOf("p521-pkcs8", "pub")).Description);
        Assert.Equal("Ed25519", KeyIdentifiers.FromFile(files.PathOf("ed25519", "crt")).Description);
    }

    [Fact]
    public void FromCertificate_MatchesOpenSsl()
    {
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(files.PathOf("rsa2048-pkcs1", "crt"));

        var identity = KeyIdentifiers.FromCertificate(certificate);

        Assert.Equal(files.Skis["rsa2048-pkcs1"], Convert.ToHexStringLower(identity.Ski));
        Assert.Equal(files.CertificateDigests["rsa2048-pkcs1"], Convert.ToHexStringLower(identity.CertificateDigest!));
    }

    [Fact]
    public void FromFile_WhenDer_ReadsCertificatesAndPublicKeys()
    {
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(files.PathOf("p256-sec1", "crt"));
        var derCertificate = files.PathOf("p256-der", "crt");
        var derPublicKey = files.PathOf("p256-der", "pub");
        File.WriteAllBytes(derCertificate, certificate.RawData);
        File.WriteAllBytes(derPublicKey, certificate.PublicKey.ExportSubjectPublicKeyInfo());

        Assert.Equal(files.Skis["p256-sec1"], Convert.ToHexStringLower(KeyIdentifiers.FromFile(derCertificate).Ski));
        Assert.Equal(files.Skis["p256-sec1"], Convert.ToHexStringLower(KeyIdentifiers.FromFile(derPublicKey).Ski));
    }

    [Fact]
    public void FromFile_WhenChain_UsesTheFirstCertificate()
    {
        var chain = files.PathOf("chain", "crt");
        File.WriteAllText(chain, File.ReadAllText(files.PathOf("rsa2048-pkcs1", "crt")) + File.ReadAllText(files.PathOf("p256-sec1", "crt")));

        Assert.Equal(files.Skis["rsa2048-pkcs1"], Convert.ToHexStringLower(KeyIdentifiers.FromFile(chain).Ski));
    }

    [Fact]
    public void FromFile_WhenEd25519PrivateKey_AsksForTheCertificateOrPublicKey()
    {
        var path = files.PathOf("ed25519", "key");
        var pem = File.ReadAllText(path);

        var error = Assert.Throws<KeyIdentifierException>(() => KeyIdentifiers.FromFile(path));

        Assert.Contains("Ed25519 private key without its public key", error.Message, StringComparison.Ordinal);
        Assert.Contains("NAME.pub", error.Message, StringComparison.Ordinal);
        AssertHoldsNoKeyMaterial(error, pem);
    }

    [Fact]
    public void FromFile_WhenEd25519PrivateKeyCarriesItsPublicKey_UsesIt()
    {
        // PKCS#8 v2 (RFC 5958): the v1 key openssl wrote, plus [1] publicKey from the .pub file.
        var v1 = PemBody(File.ReadAllText(files.PathOf("ed25519", "key")));
        var publicKey = KeyIdentifiers.FromFile(files.PathOf("ed25519", "pub")).SubjectPublicKey;
        var reader = new AsnReader(v1, AsnEncodingRules.DER).ReadSequence();
        reader.ReadInteger();
        var algorithm = reader.ReadEncodedValue();
        var privateKey = reader.ReadOctetString();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            writer.WriteEncodedValue(algorithm.Span);
            writer.WriteOctetString(privateKey);
            writer.WriteBitString(publicKey.Span, tag: new Asn1Tag(TagClass.ContextSpecific, 1));
        }

        var path = files.PathOf("ed25519-v2", "key");
        File.WriteAllText(path, new string(System.Security.Cryptography.PemEncoding.Write("PRIVATE KEY", writer.Encode())));

        Assert.Equal(files.Skis["ed25519"], Convert.ToHexStringLower(KeyIdentifiers.FromFile(path).Ski));
    }

    [Fact]
    public void FromFile_WhenPrivateKeyIsCorrupt_ReportsItWithoutKeyMaterial()
    {
        var pem = File.ReadAllText(files.PathOf("rsa2048-pkcs1", "key"));
        var der = PemBody(pem);
        var path = files.PathOf("corrupt", "key");
        File.WriteAllText(path, new string(System.Security.Cryptography.PemEncoding.Write("RSA PRIVATE KEY", der[..(der.Length / 2)])));

        var error = Assert.Throws<KeyIdentifierException>(() => KeyIdentifiers.FromFile(path));

        Assert.Contains("malformed private key", error.Message, StringComparison.Ordinal);
        AssertHoldsNoKeyMaterial(error, pem);
    }

    [Fact]
    public void FromFile_WhenEncryptedPrivateKey_SaysSo()
    {
        var path = files.PathOf("encrypted", "key");
        File.WriteAllText(path, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        Assert.Contains("encrypted private key", Assert.Throws<KeyIdentifierException>(() => KeyIdentifiers.FromFile(path)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key at all")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    [InlineData("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")]
    public void FromFile_WhenGarbage_ThrowsKeyIdentifierException(string content)
    {
        var path = files.PathOf("garbage", "pem");
        File.WriteAllText(path, content);

        var error = Assert.Throws<KeyIdentifierException>(() => KeyIdentifiers.FromFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_WhenMissing_ThrowsKeyIdentifierException()
    {
        var path = files.PathOf("missing", "pem");

        Assert.Contains("cannot read", Assert.Throws<KeyIdentifierException>(() => KeyIdentifiers.FromFile(path)).Message, StringComparison.Ordinal);
    }

    private static byte[] PemBody(string pem)
    {
        var fields = System.Security.Cryptography.PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    private static void AssertHoldsNoKeyMaterial(Exception error, string pem)
    {
        var der = PemBody(pem);
        for (var e = error; e is not null; e = e.InnerException)
        {
            var text = e.ToString();
            foreach (var line in pem.Split('\n').Where(l => l.Length > 16 && !l.StartsWith("-----", StringComparison.Ordinal)))
            {
                Assert.DoesNotContain(line[..16], text, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(Convert.ToHexString(der, der.Length - 16, 16), text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
