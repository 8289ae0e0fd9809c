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
}
