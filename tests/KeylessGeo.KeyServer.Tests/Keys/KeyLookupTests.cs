using System.Net;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>Lookup order, identifier validation, and SNI handling.</summary>
[Collection(TestKeysCollection.Name)]
public sealed class KeyLookupTests : IDisposable
{
    private static readonly byte[] Digest32 = new byte[32];
    private readonly KeyServerHarness _server;

    public KeyLookupTests(TestKeys keys) => _server = new KeyServerHarness(keys.Directory);

    private ByteString Ski(string name) => ByteString.CopyFrom(_server.Keys.Find(new KeyRef { KeyId = name }).Key!.Ski);

    private ByteString Digest(string name) => ByteString.CopyFrom(_server.Keys.Find(new KeyRef { KeyId = name }).Key!.CertDigest);

    private static ByteString Ip(string address) => ByteString.CopyFrom(IPAddress.Parse(address).GetAddressBytes());

    private string? Found(KeyRef reference) => _server.Keys.Find(reference).Key?.KeyId;

    [Fact]
    public void Lookup_PrefersKeyIdThenSkiThenDigestThenSniThenServerIp()
    {
        var all = new KeyRef
        {
            KeyId = TestKeys.Ed25519,
            Ski = Ski(TestKeys.EcP256Sec1),
            CertDigest = Digest(TestKeys.Rsa3072Pkcs1),
            Sni = "www.example.com",
            ServerIp = Ip("198.51.100.7"),
        };
        Assert.Equal(TestKeys.Ed25519, Found(all));

        all.KeyId = "no-such-key";
        Assert.Equal(TestKeys.EcP256Sec1, Found(all));

        all.Ski = ByteString.CopyFrom(new byte[20]);
        Assert.Equal(TestKeys.Rsa3072Pkcs1, Found(all));

        all.CertDigest = ByteString.CopyFrom(Digest32);
        Assert.Equal(TestKeys.Rsa2048Pkcs1, Found(all));

        all.Sni = "unknown.example.com";
        Assert.Equal(TestKeys.Ed25519, Found(all));

        all.ServerIp = Ip("203.0.113.99");
        Assert.Null(Found(all));
    }

    [Theory]
    [InlineData("www.example.com", TestKeys.Rsa2048Pkcs1)]
    [InlineData("WWW.Example.COM.", TestKeys.Rsa2048Pkcs1)]
    [InlineData("a.wild.example.com", TestKeys.Rsa2048Pkcs1)]
    [InlineData("ec.example.net", TestKeys.EcP256Sec1)]
    [InlineData("a.b.wild.example.com", null)]
    [InlineData("wild.example.com", null)]
    public void Lookup_BySni_MatchesExactNamesAndOneLabelWildcards(string sni, string? expected) =>
        Assert.Equal(expected, Found(new KeyRef { Sni = sni }));

    [Theory]
    [InlineData("192.0.2.10", TestKeys.Rsa2048Pkcs1)]
    [InlineData("::ffff:192.0.2.10", TestKeys.Rsa2048Pkcs1)]
    [InlineData("2001:db8::10", TestKeys.Rsa2048Pkcs1)]
    [InlineData("198.51.100.7", TestKeys.Ed25519)]
    public void Lookup_ByServerIp_UsesCertificateSanAddresses(string ip, string expected) =>
        Assert.Equal(expected, Found(new KeyRef { ServerIp = Ip(ip) }));

    public static TheoryData<string> InvalidSnis() => new()
    {
        "https://www.example.com/" + new string('a', 276),
        "www.example.com/path",
        "www.example.com?q=1",
        "www example.com",
        "www..example.com",
        ".",
        new string('a', 64) + ".example.com",
        string.Join('.', Enumerable.Repeat("abcdefghi", 26)),
    };

    [Theory]
    [MemberData(nameof(InvalidSnis))]
    public async Task Sign_WithInvalidSniAndValidSki_IgnoresTheSniAndSigns(string sni)
    {
        var reference = new KeyRef { Sni = sni, Ski = Ski(TestKeys.EcP256Sec1) };

        var response = await _server.SignAsync(reference, Operation.EcdsaSha256, new byte[32]);

        Assert.Null(response.Error);
        Assert.False(response.Result.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(InvalidSnis))]
    public async Task Sign_WithOnlyAnInvalidSni_ReturnsKeyNotFound(string sni)
    {
        var response = await _server.SignAsync(new KeyRef { Sni = sni }, Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
    }

    [Fact]
    public async Task Sign_WithEmptyKeyRef_ReturnsBadRequest()
    {
        var response = await _server.SignAsync(new KeyRef(), Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.BadRequest, response.Error.Code);
        Assert.Equal("key reference is empty", response.Error.Message);
    }

    [Theory]
    [InlineData("ski", 19)]
    [InlineData("ski", 21)]
    [InlineData("cert_digest", 31)]
    [InlineData("server_ip", 5)]
    [InlineData("client_ip", 3)]
    public async Task Sign_WithWrongLengthIdentifier_ReturnsBadRequestNamingTheField(string field, int length)
    {
        var value = ByteString.CopyFrom(new byte[length]);
        var reference = field switch
        {
            "ski" => new KeyRef { Ski = value },
            "cert_digest" => new KeyRef { CertDigest = value },
            "server_ip" => new KeyRef { ServerIp = value },
            _ => new KeyRef { ClientIp = value, KeyId = TestKeys.EcP256Sec1 },
        };

        var response = await _server.SignAsync(reference, Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.BadRequest, response.Error.Code);
        Assert.Contains("key." + field, response.Error.Message, StringComparison.Ordinal);
        Assert.Contains(length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WhenKeyUnknown_ReturnsKeyNotFound()
    {
        var response = await _server.SignAsync(new KeyRef { KeyId = "nope", Ski = ByteString.CopyFrom(new byte[20]) }, Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
        Assert.Equal("ks-test-1", response.ServedBy.KeyserverId);
    }

    [Fact]
    public async Task Sign_ClientIpIsCarriedButNotUsedForLookup()
    {
        var response = await _server.SignAsync(new KeyRef { ClientIp = Ip("192.0.2.10") }, Operation.RsaPkcs1Sha256, new byte[32]);

        Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
    }

    public void Dispose() => _server.Dispose();
}
