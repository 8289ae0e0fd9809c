using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace KeylessGeo.Telemetry.Tests;

/// <summary>OpenTelemetry is registered only when something exports: an OTLP endpoint or the scrape endpoint.</summary>
public sealed class TelemetryServiceCollectionExtensionsTests
{
    private static readonly TelemetrySetup Setup = new() { ServiceName = "test", MeterNames = ["KeylessGeo.Test"] };

    [Fact]
    public void AddKeylessGeoTelemetry_WithScrapeEndpointOffAndNoOtlp_RegistersNoMeterProvider()
    {
        var services = new ServiceCollection();

        TelemetryServiceCollectionExtensions.AddKeylessGeoTelemetry(services, Configuration(new() { ["Telemetry:Prometheus:Enabled"] = "false" }), Setup, environmentEndpoint: null);

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(MeterProvider));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(TelemetryExportService));
    }

    [Fact]
    public void AddKeylessGeoTelemetry_ByDefault_RegistersMeterProviderForTheScrapeEndpoint()
    {
        var services = new ServiceCollection();

        TelemetryServiceCollectionExtensions.AddKeylessGeoTelemetry(services, Configuration([]), Setup, environmentEndpoint: null);

        Assert.Single(services, d => d.ServiceType == typeof(MeterProvider));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(TelemetryExportService));
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318", null)]
    [InlineData("", "http://127.0.0.1:4318")]
    public void AddKeylessGeoTelemetry_WithOtlpOnly_RegistersMeterProvider(string configured, string? environment)
    {
        var services = new ServiceCollection();
        var settings = new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = configured, ["Telemetry:Prometheus:Enabled"] = "false" };

        TelemetryServiceCollectionExtensions.AddKeylessGeoTelemetry(services, Configuration(settings), Setup, environment);

        Assert.Single(services, d => d.ServiceType == typeof(MeterProvider));
    }

    [Theory]
    [InlineData("http://collector:4318", TelemetryOptions.HttpProtobuf, "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4318/otlp/", TelemetryOptions.HttpProtobuf, "http://collector:4318/otlp/v1/metrics")]
    [InlineData("http://collector:4318/v1/metrics", TelemetryOptions.HttpProtobuf, "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4317", TelemetryOptions.Grpc, "http://collector:4317/")]
    public void ExporterEndpoint_TreatsTheConfiguredEndpointAsTheCollectorsBaseAddress(string configured, string protocol, string expected)
    {
        var endpoint = OtlpTarget.Endpoint(new TelemetryOptions { OtlpEndpoint = configured, OtlpProtocol = protocol }, OtlpTarget.MetricsPath);

        Assert.Equal(new Uri(expected), endpoint);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
