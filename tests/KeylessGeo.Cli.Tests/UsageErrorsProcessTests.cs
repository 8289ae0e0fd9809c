using KeylessGeo.Testing;

namespace KeylessGeo.Cli.Tests;

/// <summary>
/// The built <c>keylessgeo</c> executable facing the mistakes an operator makes on its command
/// line: each is named on standard error, with exit code 2 (bad arguments, nothing done) or 3 (the
/// control plane cannot be reached), and no stack trace; <c>--help</c> and <c>--version</c> exit 0.
/// </summary>
public sealed class UsageErrorsProcessTests
{
    [Theory]
    [InlineData(new[] { "polcy", "list" }, "polcy")]
    [InlineData(new[] { "policy", "lst" }, "lst")]
    [InlineData(new[] { "audit", "list", "--limmit", "5" }, "--limmit")]
    [InlineData(new[] { "audit", "list", "--limit", "five" }, "five")]
    [InlineData(new[] { "keyless", "bench", "--connections" }, "--connections")]
    public async Task ACommandLineThatDoesNotParse_IsListed_ExitCode2(string[] args, string named)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("keylessgeo: bad arguments:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(named, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--help", result.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task AControlPlaneAddressThatIsNotOne_IsNamed_ExitCode2()
    {
        var result = await RunAsync(["keyservers", "--control-plane", "ftp://cp.example"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--control-plane 'ftp://cp.example' is not unix:PATH, an https:// URL or an http:// URL", result.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task AClientCertificateThatDoesNotExist_IsNamed_ExitCode2()
    {
        var result = await RunAsync(["keyservers", "--control-plane", "https://127.0.0.1:9", "--client-cert", "/nonexistent/operator.crt", "--client-key", "/nonexistent/operator.key", "--ca", "/nonexistent/ca.crt"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/", result.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task AnUnreachableControlPlane_IsNamed_ExitCode3()
    {
        var address = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await RunAsync(["keyservers", "--control-plane", address]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"cannot reach the control plane at {address}/", result.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task HelpAndVersion_Answer_ExitCode0()
    {
        var help = await RunAsync(["--help"]);
        var commandHelp = await RunAsync(["policy", "--help"]);
        var version = await RunAsync(["--version"]);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("keyservers", help.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, commandHelp.ExitCode);
        Assert.Contains("explain", commandHelp.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+", version.StandardOutput);
    }

    private static void AssertNoStackTrace(ProcessResult result)
    {
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StandardError, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> RunAsync(string[] args) => ExecutableRuns.RunAsync("keylessgeo.dll", args);
}
