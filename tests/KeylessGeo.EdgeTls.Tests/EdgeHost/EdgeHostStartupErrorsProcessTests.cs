using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests.EdgeHost;

/// <summary>
/// The edge host executable facing the configuration mistakes an operator makes: each one is
/// reported in the list of configuration errors, naming the setting or the file, with exit code 2
/// and no stack trace; <c>--help</c> and <c>--version</c> answer and exit 0.
/// </summary>
public sealed class EdgeHostStartupErrorsProcessTests : IAsyncLifetime
{
    private readonly string _etc = Directory.CreateTempSubdirectory("keylessgeo-edgehost-startup-").FullName;
    private string _certificate = "";
    private string _key = "";

    public async Task InitializeAsync()
    {
        _key = Path.Combine(_etc, "local.key");
        _certificate = Path.Combine(_etc, "local.pem");
        await OpenSslCli.GenerateEcSec1Async(_key, "prime256v1");
        (await ExternalProcess.RunAsync("openssl", ["req", "-x509", "-new", "-key", _key, "-out", _certificate, "-subj", "/CN=local.example.com", "-days", "2"]))
            .EnsureSuccess("openssl req");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_etc, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("--Https:Port", "seventy", "'Https:Port'")]
    [InlineData("--Https:HandshakeTimeout", "2s", "'Https:HandshakeTimeout'")]
    [InlineData("--Handshake:MaxConcurrent", "8", "'Handshake:MaxConcurrent' is not a setting")]
    [InlineData("--Handshakes:MaxConcurent", "8", "Handshakes: 'MaxConcurent' is not a setting")]
    [InlineData("--Certificates:1:CertificatePath", "/nonexistent/site.pem", "Certificates:1:CertificatePath '/nonexistent/site.pem' does not exist")]
    [InlineData("--Engine:Path", "/nonexistent/keylessgeo.so", "Engine:Path '/nonexistent/keylessgeo.so' does not exist")]
    [InlineData("--config", "/nonexistent/edge-host.json", "--config '/nonexistent/edge-host.json': the file does not exist")]
    public async Task AMistakenSetting_IsListed_ExitCode2(string flag, string value, string expected)
    {
        var args = Valid().Append(flag).Append(value);
        if (flag.StartsWith("--Engine", StringComparison.Ordinal))
        {
            // The engine is checked only when a certificate needs it.
            args = args.Concat(["--Certificates:1:CertificatePath", _certificate]);
        }

        var result = await RunAsync(args);

        AssertConfigurationError(result, expected);
    }

    [Fact]
    public async Task AKeyOthersCanRead_IsListed_ExitCode2()
    {
        File.SetUnixFileMode(_key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await RunAsync(Valid());

        AssertConfigurationError(result, $"Certificates:0:LocalKeyPath '{_key}' may be read by others than its owner");
    }

    [Fact]
    public async Task AnEngineThatCannotBeLoaded_IsListed_ExitCode2()
    {
        var notALibrary = Path.Combine(_etc, "keylessgeo.so");
        await File.WriteAllTextAsync(notALibrary, "not a shared library");

        var result = await RunAsync(Valid().Concat(["--Engine:Path", notALibrary, "--Certificates:1:CertificatePath", _certificate]));

        AssertConfigurationError(result, $"Engine: the OpenSSL module 'keylessgeo' cannot be loaded from '{notALibrary}'");
    }

    [Fact]
    public Task APortInUse_IsListed_ExitCode2() =>
        ExecutableRuns.AssertPortInUseIsListedAsync("KeylessGeo.EdgeHost.dll", "edge-host", port => Valid().Append("--Https:Port").Append(port));

    [Fact]
    public Task HelpAndVersion_Answer_ExitCode0() =>
        ExecutableRuns.AssertHelpAndVersionAsync("KeylessGeo.EdgeHost.dll", "keylessgeo-edge-host", "docs/EDGE-HOST.md");

    private static void AssertConfigurationError(ProcessResult result, string expected) =>
        ExecutableRuns.AssertConfigurationError(result, "edge-host", expected);

    /// <summary>A working configuration as flags: one certificate with its key on local disk, loopback, free ports.</summary>
    private IEnumerable<string> Valid() =>
    [
        "--Https:Address", "127.0.0.1", "--Https:Port", "0", "--Telemetry:Prometheus:Port", "0",
        "--Certificates:0:CertificatePath", _certificate, "--Certificates:0:LocalKeyPath", _key,
    ];

    private static Task<ProcessResult> RunAsync(IEnumerable<string> args) => ExecutableRuns.RunAsync("KeylessGeo.EdgeHost.dll", args);
}
