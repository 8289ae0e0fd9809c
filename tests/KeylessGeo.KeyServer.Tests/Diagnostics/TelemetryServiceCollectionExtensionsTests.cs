using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace KeylessGeo.KeyServer.Tests.Diagnostics;

/// <summary>OpenTelemetry is registered only when an OTLP endpoint is configured.</summary>
public sealed class TelemetryServiceCollectionExtensionsTests
{
    [Fact]
    public void AddKeyServerTelemetry_WithNoEndpoint_RegistersNoMeterProvider()
    {
        var services = new ServiceCollection();

        TelemetryServiceCollectionExtensions.AddKeyServerTelemetry(services, Configuration([]), environmentEndpoint: null);

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(MeterProvider));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService));
        using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<MeterProvider>());
    }

    [Fact]
    public void AddKeyServerTelemetry_WithConfiguredEndpoint_RegistersMeterProviderStartedWithTheHost()
    {
        var services = new ServiceCollection();

        TelemetryServiceCollectionExtensions.AddKeyServerTelemetry(
            services, Configuration(new() { ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4318" }), environmentEndpoint: null);

        Assert.Single(services, d => d.ServiceType == typeof(MeterProvider));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(TelemetryExportService));
    }

    [Fact]
    public void AddKeyServerTelemetry_WithOnlyTheEnvironmentVariable_RegistersMeterProvider()
    {
        var services = new ServiceCollection();

        TelemetryServiceCollectionExtensions.AddKeyServerTelemetry(services, Configuration([]), environmentEndpoint: "http://127.0.0.1:4318");

        Assert.Single(services, d => d.ServiceType == typeof(MeterProvider));
    }

    [Theory]
    [InlineData("http://collector:4318", TelemetryOptions.HttpProtobuf, "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4318/otlp/", TelemetryOptions.HttpProtobuf, "http://collector:4318/otlp/v1/metrics")]
    [InlineData("http://collector:4318/v1/metrics", TelemetryOptions.HttpProtobuf, "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4317", TelemetryOptions.Grpc, "http://collector:4317/")]
    public void ExporterEndpoint_TreatsTheConfiguredEndpointAsTheCollectorsBaseAddress(string configured, string protocol, string expected)
    {
        var endpoint = TelemetryServiceCollectionExtensions.ExporterEndpoint(new TelemetryOptions { OtlpEndpoint = configured, OtlpProtocol = protocol });

        Assert.Equal(new Uri(expected), endpoint);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
