using System.Diagnostics.Metrics;
using System.Net;
using KeylessGeo.Testing.Prometheus;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.Telemetry.Tests.Endpoint;

/// <summary>The telemetry endpoint of a real Kestrel host on loopback, driven over HTTP.</summary>
public sealed class TelemetryEndpointTests
{
    private static readonly Dictionary<string, string?> PortZero = new() { ["Telemetry:Prometheus:Port"] = "0" };

    [Fact]
    public async Task Metrics_ServesTheConfiguredMetersInPrometheusText()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var host = await TelemetryTestHost.StartAsync(PortZero, timeout.Token);
        using var http = new HttpClient();
        var meter = host.Services.GetRequiredService<IMeterFactory>().Create(TelemetryTestHost.MeterName);
        var requests = meter.CreateCounter<long>("keylessgeo.test.requests", "{request}");
        var duration = meter.CreateHistogram<double>("keylessgeo.test.duration", "s");
        var metrics = new Uri(host.Telemetry.BaseAddress!, "/metrics");

        var before = await PrometheusScrape.ReadAsync(http, metrics, timeout.Token);
        requests.Add(5, new KeyValuePair<string, object?>("keylessgeo.result", "ok"));
        requests.Add(2, new KeyValuePair<string, object?>("keylessgeo.result", "failed"));
        duration.Record(0.002);
        duration.Record(0.004);
        duration.Record(3);
        var after = await PrometheusScrape.ReadAsync(http, metrics, timeout.Token);

        Assert.Equal(0, before.Sum("keylessgeo_test_requests_total"));
        Assert.Equal(5, after.Sum("keylessgeo_test_requests_total", ("keylessgeo_result", "ok")));
        Assert.Equal(2, after.Sum("keylessgeo_test_requests_total", ("keylessgeo_result", "failed")));
        Assert.Equal(3, after.Sum("keylessgeo_test_duration_seconds_count"));
        Assert.Equal(2, after.Sum("keylessgeo_test_duration_seconds_bucket", ("le", "0.005")));
        Assert.Equal(3, after.Sum("keylessgeo_test_duration_seconds_bucket", ("le", "+Inf")));
    }

    [Fact]
    public async Task Metrics_OfTwoHostsInOneProcess_EachShowOnlyTheirOwnMeters()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var first = await TelemetryTestHost.StartAsync(PortZero, timeout.Token);
        await using var second = await TelemetryTestHost.StartAsync(PortZero, timeout.Token);
        using var http = new HttpClient();
        first.Services.GetRequiredService<IMeterFactory>().Create(TelemetryTestHost.MeterName).CreateCounter<long>("keylessgeo.test.hosted").Add(3);
        second.Services.GetRequiredService<IMeterFactory>().Create(TelemetryTestHost.MeterName).CreateCounter<long>("keylessgeo.test.hosted").Add(4);

        var firstScrape = await PrometheusScrape.ReadAsync(http, new Uri(first.Telemetry.BaseAddress!, "/metrics"), timeout.Token);
        var secondScrape = await PrometheusScrape.ReadAsync(http, new Uri(second.Telemetry.BaseAddress!, "/metrics"), timeout.Token);

        Assert.Equal(3, firstScrape.Sum("keylessgeo_test_hosted_total"));
        Assert.Equal(4, secondScrape.Sum("keylessgeo_test_hosted_total"));
    }

    [Fact]
    public async Task Healthz_IsOkWhileTheProcessAnswers_AndReadyzFollowsTheReadinessChecks()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var host = await TelemetryTestHost.StartAsync(PortZero, timeout.Token);
        using var http = new HttpClient { BaseAddress = host.Telemetry.BaseAddress };

        var (liveStatus, liveBody) = await GetAsync(http, "/healthz", timeout.Token);
        var (heldStatus, heldBody) = await GetAsync(http, "/readyz", timeout.Token);
        host.Gate.Open();
        var (readyStatus, readyBody) = await GetAsync(http, "/readyz", timeout.Token);
        host.Gate.Close();
        var (closedStatus, _) = await GetAsync(http, "/readyz", timeout.Token);

        Assert.Equal((HttpStatusCode.OK, "ok\n"), (liveStatus, liveBody));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, TelemetryTestHost.GateName + "\n"), (heldStatus, heldBody));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), (readyStatus, readyBody));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, closedStatus);
    }

    [Theory]
    [InlineData("/service")]
    [InlineData("/")]
    [InlineData("/metrics/extra")]
    [InlineData("/healthz.json")]
    public async Task TheTelemetryPort_AnswersNothingButItsOwnPaths(string path)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var host = await TelemetryTestHost.StartAsync(PortZero, timeout.Token);
        using var http = new HttpClient { BaseAddress = host.Telemetry.BaseAddress };

        var (status, _) = await GetAsync(http, path, timeout.Token);

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task TheServicePort_ServesNoTelemetryPath()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var host = await TelemetryTestHost.StartAsync(PortZero, timeout.Token);
        host.Gate.Open();
        using var http = new HttpClient { BaseAddress = host.ServiceAddress };

        var service = await GetAsync(http, "/service", timeout.Token);
        var metrics = await GetAsync(http, "/metrics", timeout.Token);
        var healthz = await GetAsync(http, "/healthz", timeout.Token);
        var readyz = await GetAsync(http, "/readyz", timeout.Token);

        Assert.Equal((HttpStatusCode.OK, "service"), service);
        Assert.Equal(HttpStatusCode.NotFound, metrics.Status);
        Assert.Equal(HttpStatusCode.NotFound, healthz.Status);
        Assert.Equal(HttpStatusCode.NotFound, readyz.Status);
    }

    [Fact]
    public async Task WhenDisabled_NoTelemetryEndpointIsBound()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var host = await TelemetryTestHost.StartAsync(new Dictionary<string, string?> { ["Telemetry:Prometheus:Enabled"] = "false" }, timeout.Token);
        using var http = new HttpClient { BaseAddress = host.ServiceAddress };

        var metrics = await GetAsync(http, "/metrics", timeout.Token);

        Assert.Null(host.Telemetry.EndPoint);
        Assert.Equal(HttpStatusCode.NotFound, metrics.Status);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
