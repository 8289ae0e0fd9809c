using System.Globalization;
using System.Text.RegularExpressions;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Prometheus;

namespace KeylessGeo.KeyServer.Tests.Diagnostics;

/// <summary>
/// The keyserver process: it logs where its telemetry endpoint listens, <c>curl</c> scrapes it,
/// and bad telemetry settings stop it with exit code 2 and every error listed.
/// </summary>
public sealed partial class PrometheusEndpointProcessTests
{
    [Fact]
    public async Task Curl_ScrapesTheLoggedTelemetryPortOfARunningKeyserver()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var keys = new TestKeyDirectory();
        using var tls = TestTlsMaterial.Create();
        await keys.AddAsync("ecp256", TestKeyType.EcP256);
        await using var keyserver = await KeyServerProcess.StartAsync(keys.Path, tls, new Dictionary<string, string>(), openFileLimit: null, timeout.Token);

        var listening = await keyserver.WaitForOutputAsync(TelemetryListeningLine(), timeout.Token);
        var baseAddress = listening.Groups["address"].Value;
        var metrics = await Curl(baseAddress + "metrics");
        var healthz = await Curl(baseAddress + "healthz");
        var readyz = await Curl(baseAddress + "readyz");

        Assert.Equal("127.0.0.1", listening.Groups["host"].Value);
        Assert.Equal("200", metrics.Status);
        var scrape = PrometheusScrape.Parse(metrics.Body);
        Assert.Equal(1, scrape.Sum("keylessgeo_keyserver_keys"));
        Assert.True(scrape.Has("keylessgeo_keyserver_admission_in_flight"), metrics.Body);
        Assert.Equal(("200", "ok\n"), healthz);
        Assert.Equal(("200", "ok\n"), readyz);
    }

    [Fact]
    public async Task BadTelemetrySettings_ExitWithCode2_ListingEachError()
    {
        using var keys = new TestKeyDirectory();
        using var tls = TestTlsMaterial.Create();
        var pemDirectory = Directory.CreateTempSubdirectory("keylessgeo-telemetry-bad-");
        try
        {
            var settings = KeyServerTestSettings.Defaults(tls.WritePem(pemDirectory.FullName), keys.Path, "ks-bad-telemetry", "bad1");
            settings["Telemetry:Prometheus:Port"] = "70000";
            settings["Telemetry:Prometheus:Address"] = "metrics.example";
            List<string> arguments = [Path.Combine(AppContext.BaseDirectory, "KeylessGeo.KeyServer.dll")];
            foreach (var (key, value) in settings)
            {
                arguments.Add("--" + key);
                arguments.Add(value ?? "");
            }

            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            var result = await ExternalProcess.RunAsync(dotnet, arguments, TimeSpan.FromSeconds(60));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("  - Telemetry:Prometheus:Port must be between 0 (any free port) and 65535, got 70000.", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("  - Telemetry:Prometheus:Address must be an IP address", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("'metrics.example'", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            pemDirectory.Delete(recursive: true);
        }
    }

    private static async Task<(string Status, string Body)> Curl(string url)
    {
        // -w appends the status after the body, which ends with a newline: the status is the last line.
        var result = await ExternalProcess.RunAsync("curl", ["-sS", "--max-time", "20", "-w", "%{http_code}", url], TimeSpan.FromSeconds(30));
        result.EnsureSuccess("curl " + url);
        var output = result.StandardOutput.TrimEnd('\n', '\r');
        var split = output.LastIndexOf('\n');
        return (output[(split + 1)..], output[..(split + 1)]);
    }

    [GeneratedRegex(@"Metrics and health listening on (?<address>http://(?<host>[0-9.]+):(?<port>\d+)/)")]
    private static partial Regex TelemetryListeningLine();
}
