using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Hosting;

/// <summary>
/// The keyserver executable facing the configuration mistakes an operator makes: each one is
/// reported in the list of configuration errors, naming the setting or the file, with exit code 2
/// and no stack trace; <c>--help</c> and <c>--version</c> answer and exit 0.
/// </summary>
public sealed class StartupErrorsProcessTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _keys = new();
    private readonly string _etc = Directory.CreateTempSubdirectory("keylessgeo-startup-").FullName;

    public void Dispose()
    {
        _keys.Dispose();
        _tls.Dispose();
        Directory.Delete(_etc, recursive: true);
    }

    [Theory]
    [InlineData("--Listen:Port", "seventy", "'Listen:Port'")]
    [InlineData("--KeyServer:Admission:DefaultDeadline", "2s", "'KeyServer:Admission:DefaultDeadline'")]
    [InlineData("--Listne:Port", "7443", "'Listne:Port' is not a setting")]
    [InlineData("--Listen:Prot", "7443", "Listen: 'Prot' is not a setting")]
    [InlineData("--config", "/nonexistent/keyserver.json", "--config '/nonexistent/keyserver.json': the file does not exist")]
    public async Task AMistakenSetting_IsListed_ExitCode2(string flag, string value, string expected)
    {
        var result = await RunAsync(Valid().Append(flag).Append(value));

        AssertConfigurationError(result, expected);
    }

    [Fact]
    public async Task AConfigFileThatIsNotJson_IsListed_ExitCode2()
    {
        var file = Path.Combine(_etc, "keyserver.json");
        await File.WriteAllTextAsync(file, "{ \"Listen\": { \"Port\": ");

        var result = await RunAsync(Valid().Append("--config").Append(file));

        AssertConfigurationError(result, $"--config '{file}': the file cannot be read as JSON settings");
    }

    [Fact]
    public async Task AServerKeyThatIsNotAKey_IsListed_ExitCode2()
    {
        var key = Path.Combine(_etc, "not-a-key.pem");
        await File.WriteAllTextAsync(key, "this is not a PEM private key\n");

        var result = await RunAsync(Valid(("Listen:KeyPath", key)));

        AssertConfigurationError(result, $"with key '{key}'");
    }

    [Fact]
    public Task APortInUse_IsListed_ExitCode2() =>
        ExecutableRuns.AssertPortInUseIsListedAsync("KeylessGeo.KeyServer.dll", "keyserver", port => Valid(("Listen:Port", port)));

    [Fact]
    public Task HelpAndVersion_Answer_ExitCode0() =>
        ExecutableRuns.AssertHelpAndVersionAsync("KeylessGeo.KeyServer.dll", "keylessgeo-keyserver", "docs/CONFIGURATION.md");

    private static void AssertConfigurationError(ProcessResult result, string expected) =>
        ExecutableRuns.AssertConfigurationError(result, "keyserver", expected);

    /// <summary>A working configuration as flags, with <paramref name="overrides"/> replacing values.</summary>
    private IEnumerable<string> Valid(params (string Key, string Value)[] overrides)
    {
        var settings = KeyServerTestSettings.Defaults(_tls.WritePem(_etc), _keys.Path, "ks-startup", "prc1");
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings.SelectMany(s => new[] { "--" + s.Key, s.Value ?? "" });
    }

    private static Task<ProcessResult> RunAsync(IEnumerable<string> args) => ExecutableRuns.RunAsync("KeylessGeo.KeyServer.dll", args);
}
