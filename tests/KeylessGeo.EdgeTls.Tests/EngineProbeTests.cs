using System.Globalization;
using System.Text.RegularExpressions;
using KeylessGeo.EdgeTls.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KeylessGeo.EdgeTls.Tests;

/// <summary>
/// The engine driven through OpenSSL's API (Native/engine-probe.c) for what nginx cannot show:
/// the .NET runtime started before fork keeps working in the child through many garbage
/// collections, and RSA decryption for TLS key exchange is correct and no padding oracle.
/// </summary>
[Collection(EdgeTlsCollection.Name)]
public sealed partial class EngineProbeTests(EdgeTlsFixture fixture, ITestOutputHelper output)
{
    // Each failing key load builds managed error strings; this many allocate hundreds of
    // megabytes, which only stays out of the resident set if the collector runs in the child.
    private const int Rounds = 1_000_000;

    private EdgeTlsStack Stack => fixture.Stack;

    [Fact]
    public async Task ForkedChild_OfAProcessThatStartedTheRuntime_CollectsGarbageAndKeepsSigning()
    {
        var result = await EngineProbe.RunAsync(
            "fork", Stack.AgentSocket, Certificate("rsa"), Certificate("ec"), Rounds.ToString(CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        var match = ChildLine().Match(result.StandardOutput);
        Assert.True(match.Success, result.StandardOutput);
        output.WriteLine(match.Value);
        var growthKib = long.Parse(match.Groups["after"].Value, CultureInfo.InvariantCulture) - long.Parse(match.Groups["before"].Value, CultureInfo.InvariantCulture);
        Assert.True(growthKib < 64 * 1024, $"the child's resident set grew by {growthKib} KiB: garbage is not collected after fork");
    }

    [Fact]
    public async Task TlsPremasterDecryption_ReturnsThePremaster_AndAnswersBadPaddingWithRandomBytes()
    {
        var result = await EngineProbe.RunAsync("decrypt", Stack.AgentSocket, Certificate("rsa"));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("ok premaster decrypted", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ok bad padding answered with random bytes", result.StandardOutput, StringComparison.Ordinal);
    }

    private string Certificate(string name) => Path.Combine(Stack.Directory, "certs", $"{name}.example.com.pem");

    [GeneratedRegex(@"ok child rounds=\d+ rss_before_kib=(?<before>\d+) rss_after_kib=(?<after>\d+)")]
    private static partial Regex ChildLine();
}
