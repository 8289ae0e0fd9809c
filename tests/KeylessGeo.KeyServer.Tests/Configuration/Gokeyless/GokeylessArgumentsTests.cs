using KeylessGeo.KeyServer.Configuration.Gokeyless;
using KeylessGeo.KeyServer.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>Issue 12: how the gokeyless file is named on the command line, and where it sits among the sources.</summary>
public sealed class GokeylessArgumentsTests : IDisposable
{
    private readonly GokeylessFile _file = new();

    public void Dispose() => _file.Dispose();

    [Theory]
    [InlineData("--gokeyless-config", false)]
    [InlineData("--config-file", false)]
    [InlineData("--gokeyless-config", true)]
    [InlineData("--config-file", true)]
    public void BothSpellings_NameTheFile(string flag, bool withEquals)
    {
        File.WriteAllText(_file.Path, "port: 2999\n");
        string[] args = withEquals ? [flag + "=" + _file.Path] : [flag, _file.Path];

        var loaded = GokeylessFile.LoadArgs(args);

        Assert.Empty(loaded.Failures);
        Assert.Equal("2999", loaded["Keyless:Port"]);
    }

    [Fact]
    public void WithoutTheFlag_NoSourceIsAdded()
    {
        var root = new ConfigurationBuilder().AddGokeylessConfiguration(["--config", "keyserver.json", "--Keyless:Port", "1"], new Dictionary<string, string> { ["KEYLESS_PORT"] = "5" }).Build();

        Assert.Empty(root.Providers);
    }

    [Fact]
    public void FlagWithoutAPath_IsAnError()
    {
        var loaded = GokeylessFile.LoadArgs(["--gokeyless-config"]);

        Assert.Equal("--gokeyless-config needs the path of a gokeyless configuration file.", Assert.Single(loaded.Failures));
    }

    [Fact]
    public void TwoFiles_AreAnError()
    {
        File.WriteAllText(_file.Path, "");
        var loaded = GokeylessFile.LoadArgs(["--gokeyless-config", _file.Path, "--config-file", "/other.yaml"]);

        Assert.Contains("a gokeyless configuration file is already named", Assert.Single(loaded.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port", "2407")]
    [InlineData("--private-key-dirs", "/k")]
    [InlineData("--metrics_port=2406", null)]
    [InlineData("--auth-cert", "/c.pem")]
    public void GokeylessFlags_AreErrors(string flag, string? value)
    {
        File.WriteAllText(_file.Path, "");
        string[] args = value is null ? ["--config-file", _file.Path, flag] : ["--config-file", _file.Path, flag, value];

        var loaded = GokeylessFile.LoadArgs(args);

        Assert.Contains("is a gokeyless flag, which this keyserver does not read", Assert.Single(loaded.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void LaterSources_OverrideTheGokeylessFile()
    {
        File.WriteAllText(_file.Path, "port: 2407\nhostname: from-gokeyless\n");
        var root = new ConfigurationBuilder()
            .AddGokeylessConfiguration(["--gokeyless-config", _file.Path], new Dictionary<string, string>())
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Keyless:Port"] = "7000", ["Keyless:Address"] = "127.0.0.1" })
            .Build();

        Assert.Equal("7000", root["Keyless:Port"]);
        Assert.Equal("127.0.0.1", root["Keyless:Address"]);
        Assert.Equal("from-gokeyless", root["KeyServer:Id"]);
    }

    [Fact]
    public void KeyServerApplication_ListsGokeylessErrors_WithTheOthers()
    {
        File.WriteAllText(_file.Path, "port: abc\ncolour: blue\nprivate_key_stores:\n  - dir: missing-keys\n");

        var error = Assert.Throws<OptionsValidationException>(() => KeyServerApplication.Create(["--gokeyless-config", _file.Path]));

        var failures = error.Failures.ToList();
        Assert.Contains(failures, f => f.Contains("line 1: port must be a whole number, got 'abc'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("line 2: unknown setting 'colour'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains($"KeyServer:KeysDirectories:0 '{_file.In("missing-keys")}' does not exist", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains($"Listen:CertificatePath '{_file.In("server.pem")}'", StringComparison.Ordinal));
    }
}
