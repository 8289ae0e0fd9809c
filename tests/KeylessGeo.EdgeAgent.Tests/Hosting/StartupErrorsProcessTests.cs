using KeylessGeo.Testing;

namespace KeylessGeo.EdgeAgent.Tests.Hosting;

/// <summary>
/// The edge agent executable facing the configuration mistakes an operator makes: each one is
/// reported in the list of configuration errors, naming the setting or the file, with exit code 2
/// and no stack trace; <c>--help</c> and <c>--version</c> answer and exit 0.
/// </summary>
public sealed class StartupErrorsProcessTests : IDisposable
{
    private readonly string _etc = Directory.CreateTempSubdirectory("keylessgeo-agent-startup-").FullName;

    public void Dispose() => Directory.Delete(_etc, recursive: true);

    [Theory]
    [InlineData("--Endpoint:KeylessPort", "seventy", "'Endpoint:KeylessPort'")]
    [InlineData("--Agent:DefaultDeadline", "2s", "'Agent:DefaultDeadline'")]
    [InlineData("--Upstream:LocalKeyserver", "http://127.0.0.1:7080", "'Upstream:LocalKeyserver' is not a setting")]
    [InlineData("--Upstreams:LocalKeyservr", "http://127.0.0.1:7080", "Upstreams: 'LocalKeyservr' is not a setting")]
    [InlineData("--config", "/nonexistent/edge-agent.json", "--config '/nonexistent/edge-agent.json': the file does not exist")]
    public async Task AMistakenSetting_IsListed_ExitCode2(string flag, string value, string expected)
    {
        var result = await RunAsync(Valid().Append(flag).Append(value));

        AssertConfigurationError(result, expected);
    }

    [Fact]
    public async Task AConfigFileThatIsNotJson_IsListed_ExitCode2()
    {
        var file = Path.Combine(_etc, "edge-agent.json");
        await File.WriteAllTextAsync(file, "{ \"Agent\": ");

        var result = await RunAsync(Valid().Append("--config").Append(file));

        AssertConfigurationError(result, $"--config '{file}': the file cannot be read as JSON settings");
    }

    [Fact]
    public Task APortInUse_IsListed_ExitCode2() =>
        ExecutableRuns.AssertPortInUseIsListedAsync("KeylessGeo.EdgeAgent.dll", "edge-agent", port => Valid().Append("--Endpoint:KeylessPort").Append(port));

    [Fact]
    public Task HelpAndVersion_Answer_ExitCode0() =>
        ExecutableRuns.AssertHelpAndVersionAsync("KeylessGeo.EdgeAgent.dll", "keylessgeo-edge-agent", "docs/EDGE-AGENT.md");

    private static void AssertConfigurationError(ProcessResult result, string expected) =>
        ExecutableRuns.AssertConfigurationError(result, "edge-agent", expected);

    /// <summary>A working configuration as flags: a plaintext loopback keyserver address, loopback ports, no Unix sockets.</summary>
    private static IEnumerable<string> Valid() =>
    [
        "--Agent:Id", "agent-startup", "--Agent:Datacenter", "prc1",
        "--Endpoint:KeylessPort", "0", "--Endpoint:GrpcPort", "0", "--Endpoint:KeylessUnixSocket", "", "--Endpoint:GrpcUnixSocket", "",
        "--Upstreams:LocalKeyserver", "http://127.0.0.1:9", "--Upstreams:Discover", "false", "--Telemetry:Prometheus:Port", "0",
    ];

    private static Task<ProcessResult> RunAsync(IEnumerable<string> args) => ExecutableRuns.RunAsync("KeylessGeo.EdgeAgent.dll", args);
}
