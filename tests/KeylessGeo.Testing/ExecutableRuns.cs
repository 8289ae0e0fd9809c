using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace KeylessGeo.Testing;

/// <summary>
/// Runs one of our executables (a <c>.dll</c> beside the test assembly) to completion, and checks
/// how it reported a configuration mistake: listed under "&lt;program&gt;: the configuration has
/// errors:", exit code 2, no stack trace.
/// </summary>
public static class ExecutableRuns
{
    /// <summary>Runs <paramref name="dll"/> (a file name in the test's output folder) with <paramref name="args"/>, within 60 s.</summary>
    public static Task<ProcessResult> RunAsync(string dll, IEnumerable<string> args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return ExternalProcess.RunAsync(dotnet, [Path.Combine(AppContext.BaseDirectory, dll), .. args], TimeSpan.FromSeconds(60));
    }

    /// <summary>Asserts that the run ended with the configuration error list containing <paramref name="expected"/>.</summary>
    public static void AssertConfigurationError(ProcessResult result, string program, string expected)
    {
        ArgumentNullException.ThrowIfNull(result);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{program}: the configuration has errors:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Asserts that <c>--help</c> prints the usage naming <paramref name="docsPage"/> and <c>--version</c> the program's name, both exiting 0.</summary>
    public static async Task AssertHelpAndVersionAsync(string dll, string program, string docsPage)
    {
        var help = await RunAsync(dll, ["--help"]);
        var version = await RunAsync(dll, ["--version"]);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage:", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(docsPage, help.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith(program + " ", version.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// Occupies a loopback port, runs <paramref name="dll"/> with the arguments
    /// <paramref name="argumentsWithPort"/> gives for it, and asserts the port is listed as a
    /// configuration error ("cannot listen") with exit code 2.
    /// </summary>
    public static async Task AssertPortInUseIsListedAsync(string dll, string program, Func<string, IEnumerable<string>> argumentsWithPort)
    {
        ArgumentNullException.ThrowIfNull(argumentsWithPort);
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var result = await RunAsync(dll, argumentsWithPort(port));

        AssertConfigurationError(result, program, "cannot listen");
    }
}
