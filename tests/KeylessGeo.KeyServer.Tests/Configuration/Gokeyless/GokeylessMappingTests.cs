using KeylessGeo.KeyServer.Configuration.Gokeyless;
using Microsoft.Extensions.Configuration;

namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>Issue 12: every gokeyless setting maps to the keyserver's, or is reported.</summary>
public sealed class GokeylessMappingTests : IDisposable
{
    private readonly GokeylessFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void EverySetting_MapsToTheKeyserversSettings()
    {
        var loaded = _file.Load("""
            loglevel: 2
            hostname: keyserver.example.com
            zone_id: 0123456789abcdef
            origin_ca_api_key: v1.0-super-secret-value
            private_key_stores:
              - dir: /etc/keyless/keys
              - dir: extra-keys
              - uri: pkcs11:token=SoftHSM2%20RSA%20Token;id=%03?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234
            auth_cert: /etc/keyless/server.pem
            auth_key: /etc/keyless/server-key.pem
            auth_csr: /etc/keyless/server.csr
            cloudflare_ca_cert: keyless_cacert.pem
            port: 3407
            metrics_port: 3406
            pid_file:
            tracing_enabled: false
            tracing_address: localhost:6831
            tracing_sample_rate: 0.5
            sign_timeout: 1m30s
            sign_retry_count: 0
            """);

        Assert.Empty(loaded.Failures);
        Assert.Equal("keyserver.example.com", loaded["KeyServer:Id"]);
        Assert.Equal(GokeylessMapper.DefaultDatacenter, loaded["KeyServer:Datacenter"]);
        Assert.Equal("/etc/keyless/keys", loaded["KeyServer:KeysDirectories:0"]);
        Assert.Equal(_file.In("extra-keys"), loaded["KeyServer:KeysDirectories:1"]);
        Assert.Null(loaded["KeyServer:KeysDirectories:2"]);
        Assert.Equal(
            "pkcs11:token=SoftHSM2%20RSA%20Token;id=%03?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234",
            loaded["KeyServer:Pkcs11:Uris:0"]);
        Assert.Equal("/etc/keyless/server.pem", loaded["Listen:CertificatePath"]);
        Assert.Equal("/etc/keyless/server-key.pem", loaded["Listen:KeyPath"]);
        Assert.Equal(_file.In("keyless_cacert.pem"), loaded["Listen:ClientCaPath"]);
        Assert.Equal("3407", loaded["Keyless:Port"]);
        Assert.Equal("0.0.0.0", loaded["Keyless:Address"]);
        Assert.Equal("3406", loaded["Telemetry:Prometheus:Port"]);
        Assert.Equal("Warning", loaded["Logging:LogLevel:Default"]);
        Assert.Equal("00:01:30", loaded["KeyServer:Admission:DefaultDeadline"]);

        // Cloudflare API activation settings are reported, the API key's value never.
        Assert.Contains(loaded.Warnings, w => w.Contains("zone_id is not used", StringComparison.Ordinal));
        Assert.Contains(loaded.Warnings, w => w.Contains("origin_ca_api_key is not used", StringComparison.Ordinal));
        Assert.Contains(loaded.Warnings, w => w.Contains("auth_csr is not used", StringComparison.Ordinal));
        Assert.DoesNotContain(loaded.Warnings, w => w.Contains("super-secret", StringComparison.Ordinal));
        Assert.Equal(3, loaded.Warnings.Count);
    }

    [Fact]
    public void MissingSettings_TakeGokeylessDefaults()
    {
        var loaded = _file.Load("private_key_stores:\n  - dir: keys\n");

        Assert.Empty(loaded.Failures);
        Assert.Empty(loaded.Warnings);
        Assert.Equal("2407", loaded["Keyless:Port"]);
        Assert.Equal("2406", loaded["Telemetry:Prometheus:Port"]);
        Assert.Equal(_file.In("server.pem"), loaded["Listen:CertificatePath"]);
        Assert.Equal(_file.In("server-key.pem"), loaded["Listen:KeyPath"]);
        Assert.Equal(_file.In("keyless_cacert.pem"), loaded["Listen:ClientCaPath"]);
        Assert.Equal(Environment.MachineName, loaded["KeyServer:Id"]);
        Assert.Null(loaded["Logging:LogLevel:Default"]);
        Assert.Null(loaded["KeyServer:Admission:DefaultDeadline"]);
    }

    [Fact]
    public void SeveralDirectoriesAndUris_KeepTheirOrder()
    {
        var loaded = _file.Load("""
            private_key_stores:
            - uri: pkcs11:token=a;object=one?module-path=/m.so
            - dir: /k/1
            - uri: PKCS11:token=b;object=two?module-path=/m.so
            - dir: /k/2
            - dir: /k/3
            """);

        Assert.Empty(loaded.Failures);
        Assert.Equal(new[] { "/k/1", "/k/2", "/k/3" }, Values(loaded, "KeyServer:KeysDirectories"));
        Assert.Equal(new[] { "pkcs11:token=a;object=one?module-path=/m.so", "PKCS11:token=b;object=two?module-path=/m.so" }, Values(loaded, "KeyServer:Pkcs11:Uris"));
    }

    [Theory]
    [InlineData("loglevel: 0", "Debug")]
    [InlineData("loglevel: 1", "Information")]
    [InlineData("loglevel: 3", "Error")]
    [InlineData("loglevel: 5", "Critical")]
    public void LogLevel_MapsToTheDefaultLogLevel(string yaml, string expected)
    {
        var loaded = _file.Load(yaml);

        Assert.Empty(loaded.Failures);
        Assert.Equal(expected, loaded["Logging:LogLevel:Default"]);
    }

    [Fact]
    public void QuotedNumbers_AreNumbers_AsInGokeyless()
    {
        var loaded = _file.Load("port: \"2410\"\nmetrics_port: '2411'\n");

        Assert.Empty(loaded.Failures);
        Assert.Equal("2410", loaded["Keyless:Port"]);
        Assert.Equal("2411", loaded["Telemetry:Prometheus:Port"]);
    }

    [Fact]
    public void FeaturesWithoutAnEquivalent_AreWarnings()
    {
        var loaded = _file.Load("tracing_enabled: yes\nsign_retry_count: 3\ninit_endpoint: https://api.example/\n");

        Assert.Empty(loaded.Failures);
        Assert.Contains(loaded.Warnings, w => w.Contains("tracing_enabled is not used", StringComparison.Ordinal));
        Assert.Contains(loaded.Warnings, w => w.Contains("sign_retry_count is not used", StringComparison.Ordinal));
        Assert.Contains(loaded.Warnings, w => w.Contains("init_endpoint is not used", StringComparison.Ordinal));
        Assert.All(loaded.Warnings, w => Assert.StartsWith(_file.Path + " line ", w, StringComparison.Ordinal));
    }

    [Fact]
    public void EmptyFile_MapsOnlyDefaults()
    {
        var loaded = _file.Load("");

        Assert.Empty(loaded.Failures);
        Assert.Equal("2407", loaded["Keyless:Port"]);
        Assert.Null(loaded["KeyServer:KeysDirectories:0"]);
    }

    private static string[] Values(GokeylessFile.Loaded loaded, string section) =>
        [.. loaded.Configuration.GetSection(section).GetChildren().OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture)).Select(c => c.Value ?? "")];
}
