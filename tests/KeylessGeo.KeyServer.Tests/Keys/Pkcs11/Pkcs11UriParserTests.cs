using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.KeyServer.Keys.Pkcs11;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Keys.Pkcs11;

/// <summary>RFC 7512 URIs as the keyserver reads them, and how bad ones are reported (never with the PIN).</summary>
public sealed class Pkcs11UriParserTests : IDisposable
{
    private const string Module = "/usr/lib/softhsm/libsofthsm2.so";
    private readonly string _work = Directory.CreateTempSubdirectory("keylessgeo-pkcs11-uri-").FullName;
    private readonly string _module;

    public Pkcs11UriParserTests()
    {
        // A module path that exists whether or not SoftHSM2 is installed: the parser only checks the file is there.
        _module = Path.Combine(_work, "libfake-pkcs11.so");
        File.WriteAllBytes(_module, [0x7F, (byte)'E', (byte)'L', (byte)'F']);
    }

    [Fact]
    public void TryParse_WithEveryPathAttribute_ReadsThemPercentDecoded()
    {
        var uri = Pkcs11UriParser.TryParse(
            $"pkcs11:token=My%20Token;manufacturer=SoftHSM%20project;serial=0a1b;model=SoftHSM%20v2;object=www%2Eexample;id=%01%A0%ff;type=private?module-path={_module}",
            out var error);

        Assert.Null(error);
        Assert.NotNull(uri);
        Assert.Equal("My Token", uri.Token);
        Assert.Equal("SoftHSM project", uri.Manufacturer);
        Assert.Equal("0a1b", uri.Serial);
        Assert.Equal("SoftHSM v2", uri.Model);
        Assert.Equal("www.example", uri.Object);
        Assert.Equal(new byte[] { 0x01, 0xA0, 0xFF }, uri.Id);
        Assert.Equal(_module, uri.ModulePath);
        Assert.Null(uri.Pin);
        Assert.True(uri.MatchesToken("My Token", "SoftHSM project", "0a1b", "SoftHSM v2"));
        Assert.False(uri.MatchesToken("Other", "SoftHSM project", "0a1b", "SoftHSM v2"));
    }

    [Fact]
    public void TryParse_WithoutTokenAttributes_MatchesEveryToken()
    {
        var uri = Pkcs11UriParser.TryParse($"pkcs11:object=k1?module-path={_module}", out _);

        Assert.NotNull(uri);
        Assert.True(uri.MatchesToken("any", "maker", "1", "m"));
    }

    [Fact]
    public void TryParse_WithPinSources_ReadsTheFileTheVariableOrTheValue()
    {
        var pinFile = Path.Combine(_work, "pin");
        File.WriteAllText(pinFile, "1234\r\n");
        Environment.SetEnvironmentVariable("KEYLESSGEO_TEST_PKCS11_PIN", "5678");
        try
        {
            Assert.Equal("1234"u8.ToArray(), Pkcs11UriParser.TryParse($"pkcs11:?module-path={_module}&pin-source=file:{pinFile}", out _)!.Pin!.Read());
            Assert.Equal("1234"u8.ToArray(), Pkcs11UriParser.TryParse($"pkcs11:?module-path={_module}&pin-source=file://{pinFile}", out _)!.Pin!.Read());
            Assert.Equal("1234"u8.ToArray(), Pkcs11UriParser.TryParse($"pkcs11:?module-path={_module}&pin-source={pinFile}", out _)!.Pin!.Read());
            Assert.Equal("5678"u8.ToArray(), Pkcs11UriParser.TryParse($"pkcs11:?module-path={_module}&pin-source=env:KEYLESSGEO_TEST_PKCS11_PIN", out _)!.Pin!.Read());
            Assert.Equal("9 9"u8.ToArray(), Pkcs11UriParser.TryParse($"pkcs11:?module-path={_module}&pin-value=9%209", out _)!.Pin!.Read());
        }
        finally
        {
            Environment.SetEnvironmentVariable("KEYLESSGEO_TEST_PKCS11_PIN", null);
        }
    }

    [Fact]
    public void TryParse_WithVendorAttributes_IgnoresThem()
    {
        var uri = Pkcs11UriParser.TryParse($"pkcs11:x-vendor=1;object=k?module-path={_module}&x-other=2", out var error);

        Assert.Null(error);
        Assert.Equal("k", uri!.Object);
    }

    public static TheoryData<string, string> BadUris() => new()
    {
        { "file:/etc/key.pem", "must start with 'pkcs11:'" },
        { "pkcs11:object=k", "names no PKCS#11 module" },
        { "pkcs11:object=k?module-path=relative/lib.so", "must be an absolute path" },
        { "pkcs11:object=k?module-path=/nonexistent/libnothing.so", "does not exist" },
        { "pkcs11:object=k?module-name=keylessgeo-no-such-module", "was not found" },
        { "pkcs11:object=k;object=j?module-path=MODULE", "appears more than once" },
        { "pkcs11:type=cert?module-path=MODULE", "type=cert is not supported" },
        { "pkcs11:id=%zz?module-path=MODULE", "not followed by two hex digits" },
        { "pkcs11:slot-id=1?module-path=MODULE", "'slot-id' is not a supported path attribute" },
        { "pkcs11:module-path=MODULE", "belongs in the URI's query" },
        { "pkcs11:object=k?module-path=MODULE&module-name=softhsm2", "not both" },
        { "pkcs11:object=k?module-path=MODULE&pin-source=relative/pin", "must be file:/absolute/path" },
        { "pkcs11:object=k?module-path=MODULE&pin-source=env:", "names no environment variable" },
        { "pkcs11:object=k?module-path=MODULE&pin-source=env:X&pin-value=s3cret-PIN", "not both" },
        { "pkcs11:object=k?module-path=MODULE&pin-value=s3cret-PIN%zz", "pin-value has an invalid percent-encoding" },
        { "pkcs11:object=k?module-path=MODULE&pin-value=s3cret-PIN&pin-value=s3cret-PIN", "appears more than once" },
    };

    [Theory]
    [MemberData(nameof(BadUris))]
    public void TryParse_WithABadUri_SaysWhatIsWrongWithoutThePin(string text, string expected)
    {
        var uri = Pkcs11UriParser.TryParse(text.Replace("MODULE", _module, StringComparison.Ordinal), out var error);

        Assert.Null(uri);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-PIN", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_HidesEveryPinValue()
    {
        var redacted = Pkcs11UriParser.Redact("pkcs11:object=k?pin-value=s3cret-PIN&module-name=x");

        Assert.Equal("pkcs11:object=k?pin-value=***&module-name=x", redacted);
    }

    [Fact]
    public void Start_WithBadUrisAndUnreadablePinSources_ListsEveryOneWithoutAPin()
    {
        using var keys = new TempKeysFolder();
        string[] args =
        [
            "--KeyServer:Id=ks-1", "--KeyServer:Datacenter=dc1", $"--KeyServer:KeysDirectory={keys.Path}", "--Listen:PlaintextPort=0",
            "--KeyServer:Pkcs11:Uris:0=pkcs11:object=k?pin-value=s3cret-PIN",
            $"--KeyServer:Pkcs11:Uris:1=pkcs11:object=k?module-path={_module}&pin-source=file:/nonexistent/pin-file",
            $"--KeyServer:Pkcs11:Uris:2=pkcs11:object=k?module-path={_module}&pin-source=env:KEYLESSGEO_TEST_UNSET_PIN",
            $"--KeyServer:Pkcs11:Uris:3=pkcs11:object=k;type=public?module-path={_module}&pin-value=s3cret-PIN",
        ];

        var failure = Assert.Throws<OptionsValidationException>(() => KeyServerApplication.Create(args));

        var all = string.Join("\n", failure.Failures);
        Assert.Contains("KeyServer:Pkcs11:Uris:0 'pkcs11:object=k?pin-value=***'", all, StringComparison.Ordinal);
        Assert.Contains("KeyServer:Pkcs11:Uris:1", all, StringComparison.Ordinal);
        Assert.Contains("file '/nonexistent/pin-file' cannot be read", all, StringComparison.Ordinal);
        Assert.Contains("environment variable 'KEYLESSGEO_TEST_UNSET_PIN' is not set", all, StringComparison.Ordinal);
        Assert.Contains("KeyServer:Pkcs11:Uris:3", all, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-PIN", all, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private sealed class TempKeysFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("keylessgeo-pkcs11-keys-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
