namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>Issue 12: a gokeyless file the keyserver cannot honour is a list of precise errors, never an exception.</summary>
public sealed class GokeylessErrorTests : IDisposable
{
    private readonly GokeylessFile _file = new();

    public void Dispose() => _file.Dispose();

    [Theory]
    [InlineData("port: abc", "line 1: port must be a whole number, got 'abc'")]
    [InlineData("port: 2407.5", "port must be a whole number, got '2407.5'")]
    [InlineData("port: [2407]", "line 1: port must be a single value, got a list")]
    [InlineData("metrics_port: {a: 1}", "metrics_port must be a single value, got a mapping")]
    [InlineData("port: 70000", "port must be between 0 and 65535, got 70000")]
    [InlineData("metrics_port: -1", "metrics_port must be between 0 and 65535, got -1")]
    [InlineData("port: 2500\nmetrics_port: 2500", "metrics_port and port are both 2500")]
    [InlineData("loglevel: 9", "loglevel must be between 0 (debug) and 5 (fatal), got 9")]
    [InlineData("loglevel: info", "loglevel must be a whole number, got 'info'")]
    [InlineData("tracing_enabled: maybe", "tracing_enabled must be true or false, got 'maybe'")]
    [InlineData("tracing_sample_rate: half", "tracing_sample_rate must be a number, got 'half'")]
    [InlineData("sign_timeout: 5", "sign_timeout must be a positive duration such as 500ms or 2s, got '5'")]
    [InlineData("sign_retry_count: [1]", "sign_retry_count must be a single value, got a list")]
    [InlineData("auth_cert: [a, b]", "auth_cert must be a single value, got a list")]
    [InlineData("private_key_stores: /etc/keyless/keys", "private_key_stores must be a list of entries")]
    [InlineData("private_key_stores:\n  - /etc/keyless/keys", "line 2: private_key_stores[0] must be a mapping with one of dir, file or uri")]
    [InlineData("private_key_stores:\n  - dir: [a]", "private_key_stores[0].dir must be a single value, got a list")]
    public void WrongTypes_AreErrors_NamingTheLineAndValue(string yaml, string expected)
    {
        var loaded = _file.Load(yaml);

        var failure = Assert.Single(loaded.Failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.StartsWith(_file.Path, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSettings_AreErrors()
    {
        var loaded = _file.Load("port: 2407\ncolour: blue\nprivate_key_stores:\n  - dir: /k\n    recursive: true\n");

        Assert.Equal(2, loaded.Failures.Count);
        Assert.Contains(loaded.Failures, f => f.Contains("line 2: unknown setting 'colour'", StringComparison.Ordinal));
        Assert.Contains(loaded.Failures, f => f.Contains("line 4: private_key_stores[0] has an unknown key 'recursive'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("- dir: /a\n    uri: pkcs11:token=a", "must set exactly one of dir, file or uri, got dir and uri")]
    [InlineData("- dir:", "must set exactly one of dir, file or uri, got none")]
    [InlineData("- file: /etc/keyless/one.key", "single key files ('file: /etc/keyless/one.key') are not supported")]
    [InlineData("- uri: https://vault-1.vault.azure.net/keys/a/1", "Azure Key Vault and Managed HSM keys")]
    [InlineData("- uri: projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1", "Google Cloud KMS keys")]
    [InlineData("- uri: file:///etc/keys/a.key", "the key store URI 'file:///etc/keys/a.key' is not supported")]
    public void UnsupportedStores_AreErrors(string entry, string expected)
    {
        var loaded = _file.Load("private_key_stores:\n  " + entry + "\n");

        var failure = Assert.Single(loaded.Failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.Null(loaded["KeyServer:KeysDirectories:0"]);
    }

    [Fact]
    public void UnsupportedUri_IsReported_WithoutItsQuery()
    {
        var loaded = _file.Load("private_key_stores:\n  - uri: https://hsm.managedhsm.azure.net/keys/a?client_secret=hunter2\n");

        var failure = Assert.Single(loaded.Failures);
        Assert.DoesNotContain("hunter2", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pid_file: /run/gokeyless.pid", "pid_file '/run/gokeyless.pid' is not supported")]
    [InlineData("current_time: 2024-01-01T00:00:00Z", "current_time (a fixed clock for certificate checks, for testing) is not supported")]
    public void SettingsThatOthersRelyOn_AreErrors(string yaml, string expected)
    {
        var loaded = _file.Load(yaml);

        Assert.Contains(expected, Assert.Single(loaded.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void WrongTypeOfTheApiKey_DoesNotRepeatIt()
    {
        var loaded = _file.Load("origin_ca_api_key: [v1.0-super-secret-value]\n");

        Assert.DoesNotContain("super-secret", Assert.Single(loaded.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("port: [1", "line 2, column 1: not valid YAML")]
    [InlineData("port: 1\nport: 2", "not valid YAML (Duplicate key port)")]
    [InlineData("- a\n- b", "line 1: must be a mapping of settings (key: value), got a list")]
    [InlineData("port: 1\n---\nport: 2", "holds 2 YAML documents")]
    [InlineData("auth_cert: \"server.pem\nport: 1", "not valid YAML")]
    public void MalformedYaml_IsOneError(string yaml, string expected)
    {
        var loaded = _file.Load(yaml);

        Assert.Contains(expected, Assert.Single(loaded.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsAnError()
    {
        var missing = _file.In("nope.yaml");
        var loaded = GokeylessFile.LoadArgs(["--gokeyless-config", missing]);

        Assert.Contains($"gokeyless configuration '{missing}' cannot be read", Assert.Single(loaded.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnce()
    {
        var loaded = _file.Load("port: abc\nmetrics_port: x\ncolour: blue\npid_file: /p\n");

        Assert.Equal(4, loaded.Failures.Count);
    }
}
