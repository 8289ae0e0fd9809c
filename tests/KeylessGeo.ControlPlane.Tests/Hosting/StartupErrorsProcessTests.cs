using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Hosting;

/// <summary>
/// The control-plane executable facing the configuration mistakes an operator makes: each one is
/// reported in the list of configuration errors, naming the setting or the file, with exit code 2
/// and no stack trace; <c>--help</c> and <c>--version</c> answer and exit 0.
/// </summary>
public sealed class StartupErrorsProcessTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly string _etc = Directory.CreateTempSubdirectory("keylessgeo-cp-startup-").FullName;

    public void Dispose()
    {
        _tls.Dispose();
        Directory.Delete(_etc, recursive: true);
    }

    [Theory]
    [InlineData("--ControlPlane:Listen:PlaintextPort", "seventy", "'ControlPlane:Listen:PlaintextPort'")]
    [InlineData("--ControlPlane:Store:IntegrityCheckInterval", "15s", "'ControlPlane:Store:IntegrityCheckInterval'")]
    [InlineData("--ControlPlan:Store:Kind", "in-memory", "'ControlPlan:Store' is not a setting")]
    [InlineData("--ControlPlane:Listen:Prot", "8443", "ControlPlane: 'Prot' is not a setting")]
    [InlineData("--ControlPlane:Store:Kind", "cassandra", "ControlPlane:Store:Kind 'cassandra'")]
    [InlineData("--config", "/nonexistent/controlplane.json", "--config '/nonexistent/controlplane.json': the file does not exist")]
    public async Task AMistakenSetting_IsListed_ExitCode2(string flag, string value, string expected)
    {
        var result = await RunAsync(Valid().Append(flag).Append(value));

        AssertConfigurationError(result, expected);
    }

    [Fact]
    public async Task AnUnknownEnvironmentSection_IsListed_ExitCode2()
    {
        // env(1) sets the variable for the child only.
        var result = await ExternalProcess.RunAsync("env", ["KEYLESSGEO_ControlPlain__Port=8443", Dotnet(), Dll(), .. Valid()], TimeSpan.FromSeconds(60));

        AssertConfigurationError(result, "'ControlPlain:Port' is not a setting");
    }

    [Fact]
    public async Task AConfigFileThatIsNotJson_IsListed_ExitCode2()
    {
        var file = Path.Combine(_etc, "controlplane.json");
        await File.WriteAllTextAsync(file, "{ \"ControlPlane\": { \"Listen\": ");

        var result = await RunAsync(Valid().Append("--config").Append(file));

        AssertConfigurationError(result, $"--config '{file}': the file cannot be read as JSON settings");
    }

    [Fact]
    public async Task AServerKeyThatIsNotAKey_IsListed_ExitCode2()
    {
        var pem = _tls.WritePem(_etc);
        var key = Path.Combine(_etc, "not-a-key.pem");
        await File.WriteAllTextAsync(key, "this is not a PEM private key\n");

        var result = await RunAsync(Valid(
            ("ControlPlane:Listen:Port", "0"), ("ControlPlane:Listen:CertificatePath", pem.ServerCertificate),
            ("ControlPlane:Listen:KeyPath", key), ("ControlPlane:Listen:ClientCaPath", pem.CaCertificate)));

        AssertConfigurationError(result, $"ControlPlane:Listen:CertificatePath/KeyPath: Cannot load certificate '{pem.ServerCertificate}' with key '{key}'");
    }

    [Fact]
    public async Task AClientCaThatIsNotACertificate_IsListed_ExitCode2()
    {
        var pem = _tls.WritePem(_etc);
        var ca = Path.Combine(_etc, "not-a-ca.pem");
        await File.WriteAllTextAsync(ca, "not a certificate\n");

        var result = await RunAsync(Valid(
            ("ControlPlane:Listen:Port", "0"), ("ControlPlane:Listen:CertificatePath", pem.ServerCertificate),
            ("ControlPlane:Listen:KeyPath", pem.ServerKey), ("ControlPlane:Listen:ClientCaPath", ca)));

        AssertConfigurationError(result, $"ControlPlane:Listen:ClientCaPath '{ca}'");
    }

    [Fact]
    public Task APortInUse_IsListed_ExitCode2() =>
        ExecutableRuns.AssertPortInUseIsListedAsync("keylessgeo-controlplane.dll", "keylessgeo-controlplane", port => Valid(("ControlPlane:Listen:PlaintextPort", port)));

    [Fact]
    public Task HelpAndVersion_Answer_ExitCode0() =>
        ExecutableRuns.AssertHelpAndVersionAsync("keylessgeo-controlplane.dll", "keylessgeo-controlplane", "docs/CONFIGURATION.md");

    private static void AssertConfigurationError(ProcessResult result, string expected) =>
        ExecutableRuns.AssertConfigurationError(result, "keylessgeo-controlplane", expected);

    /// <summary>A working configuration as flags (in-memory store, plaintext loopback port only), with <paramref name="overrides"/> replacing values.</summary>
    private IEnumerable<string> Valid(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>
        {
            ["ControlPlane:Store:Kind"] = "in-memory",
            ["ControlPlane:WrappingKeyPath"] = Path.Combine(_etc, "controlplane-wrapping.key"),
            ["ControlPlane:Listen:Port"] = "-1",
            ["ControlPlane:Listen:PlaintextPort"] = "0",
            ["Telemetry:Prometheus:Port"] = "0",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        // --Key=value: a value such as -1 is not taken for a flag.
        return settings.Select(s => $"--{s.Key}={s.Value}");
    }

    private static string Dotnet() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string Dll() => Path.Combine(AppContext.BaseDirectory, "keylessgeo-controlplane.dll");

    private static Task<ProcessResult> RunAsync(IEnumerable<string> args) => ExecutableRuns.RunAsync("keylessgeo-controlplane.dll", args);
}
