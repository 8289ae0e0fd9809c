namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>Issue 12: gokeyless's KEYLESS_ environment variables apply over its file, as in gokeyless.</summary>
public sealed class GokeylessEnvironmentTests : IDisposable
{
    private readonly GokeylessFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void Variables_OverrideTheFile()
    {
        var loaded = _file.Load("port: 2407\nauth_cert: a.pem\nloglevel: 1\n", new Dictionary<string, string>
        {
            ["KEYLESS_PORT"] = "3000",
            ["KEYLESS_METRICS_PORT"] = "3001",
            ["KEYLESS_AUTH_CERT"] = "/srv/tls/server.pem",
            ["KEYLESS_AUTH_KEY"] = "/srv/tls/server-key.pem",
            ["KEYLESS_CLOUDFLARE_CA_CERT"] = "/srv/tls/ca.pem",
            ["KEYLESS_LOGLEVEL"] = "0",
            ["KEYLESS_HOSTNAME"] = "ks.example.net",
        });

        Assert.Empty(loaded.Failures);
        Assert.Equal("3000", loaded["Keyless:Port"]);
        Assert.Equal("3001", loaded["Telemetry:Prometheus:Port"]);
        Assert.Equal("/srv/tls/server.pem", loaded["Listen:CertificatePath"]);
        Assert.Equal("/srv/tls/server-key.pem", loaded["Listen:KeyPath"]);
        Assert.Equal("/srv/tls/ca.pem", loaded["Listen:ClientCaPath"]);
        Assert.Equal("Debug", loaded["Logging:LogLevel:Default"]);
        Assert.Equal("ks.example.net", loaded["KeyServer:Id"]);
    }

    [Fact]
    public void PrivateKeyDirs_ReplacesTheFilesStores()
    {
        var loaded = _file.Load(
            "private_key_stores:\n  - dir: /from/file\n  - uri: pkcs11:token=a\n",
            new Dictionary<string, string> { ["KEYLESS_PRIVATE_KEY_DIRS"] = "/env/one, /env/two,," });

        Assert.Empty(loaded.Failures);
        Assert.Equal("/env/one", loaded["KeyServer:KeysDirectories:0"]);
        Assert.Equal("/env/two", loaded["KeyServer:KeysDirectories:1"]);
        Assert.Null(loaded["KeyServer:KeysDirectories:2"]);
        Assert.Null(loaded["KeyServer:Pkcs11:Uris:0"]);
    }

    [Fact]
    public void PrivateKeyFiles_IsAnError()
    {
        var loaded = _file.Load("", new Dictionary<string, string> { ["KEYLESS_PRIVATE_KEY_FILES"] = "/k/a.key" });

        Assert.Contains("environment variable KEYLESS_PRIVATE_KEY_FILES: single key files", Assert.Single(loaded.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void BadVariable_IsAnError_NamingIt()
    {
        var loaded = _file.Load("", new Dictionary<string, string> { ["KEYLESS_PORT"] = "twenty" });

        Assert.Equal("environment variable KEYLESS_PORT: port must be a whole number, got 'twenty'.", Assert.Single(loaded.Failures));
    }

    [Fact]
    public void EmptyAndForeignVariables_AreIgnored()
    {
        var loaded = _file.Load("port: 2500\n", new Dictionary<string, string> { ["KEYLESS_PORT"] = "", ["KEYLESS_SOMETHING_ELSE"] = "x" });

        Assert.Empty(loaded.Failures);
        Assert.Equal("2500", loaded["Keyless:Port"]);
    }
}
