namespace KeylessGeo.Telemetry.Tests;

/// <summary>Telemetry settings are checked at start-up, every error reported at once.</summary>
public sealed class TelemetryOptionsValidatorTests
{
    [Fact]
    public void Validate_WithSeveralErrors_ReportsEveryOneNamingFieldAndValue()
    {
        var options = new TelemetryOptions
        {
            OtlpEndpoint = "collector:4318/not a uri",
            OtlpProtocol = "udp",
            ExportInterval = TimeSpan.FromSeconds(-5),
            ServiceName = " ",
            Tracing = new TracingOptions { SampleRatio = 1.5 },
        };

        var result = new TelemetryOptionsValidator(environmentEndpoint: null).Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Telemetry:OtlpEndpoint", StringComparison.Ordinal) && f.Contains("'collector:4318/not a uri'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:OtlpProtocol", StringComparison.Ordinal) && f.Contains("'udp'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:ExportInterval", StringComparison.Ordinal) && f.Contains("-00:00:05", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:ServiceName", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:Tracing:SampleRatio", StringComparison.Ordinal) && f.Contains("1.5", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ftp://collector:4318")]
    [InlineData("/relative/path")]
    public void Validate_WithNonHttpEndpoint_Fails(string endpoint)
    {
        var result = new TelemetryOptionsValidator(environmentEndpoint: null).Validate(null, new TelemetryOptions { OtlpEndpoint = endpoint });

        Assert.True(result.Failed);
        Assert.Contains(endpoint, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithZeroInterval_Fails()
    {
        var result = new TelemetryOptionsValidator(environmentEndpoint: null).Validate(null, new TelemetryOptions { ExportInterval = TimeSpan.Zero });

        Assert.StartsWith("Telemetry:ExportInterval", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithBadEnvironmentEndpointAndNoConfiguredOne_NamesTheVariable()
    {
        var result = new TelemetryOptionsValidator(environmentEndpoint: "not-a-uri").Validate(null, new TelemetryOptions());

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("OTEL_EXPORTER_OTLP_ENDPOINT", failure, StringComparison.Ordinal);
        Assert.Contains("'not-a-uri'", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", TelemetryOptions.HttpProtobuf)]
    [InlineData("http://collector:4318", TelemetryOptions.HttpProtobuf)]
    [InlineData("https://collector.example:4317", TelemetryOptions.Grpc)]
    public void Validate_WithGoodSettings_Succeeds(string endpoint, string protocol)
    {
        var result = new TelemetryOptionsValidator(environmentEndpoint: null).Validate(null, new TelemetryOptions { OtlpEndpoint = endpoint, OtlpProtocol = protocol });

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }

    [Fact]
    public void Validate_WithBadPrometheusEndpoint_NamesEachSettingAndValue()
    {
        var options = new TelemetryOptions { Prometheus = new PrometheusOptions { Address = "metrics.example", Port = 70000 } };

        var failures = new TelemetryOptionsValidator(environmentEndpoint: null).Validate(null, options).Failures!.ToList();

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Telemetry:Prometheus:Address", StringComparison.Ordinal) && f.Contains("'metrics.example'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:Prometheus:Port", StringComparison.Ordinal) && f.Contains("70000", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_WithPortOutOfRange_FailsEvenWhenDisabled(int port)
    {
        var options = new TelemetryOptions { Prometheus = new PrometheusOptions { Enabled = false, Port = port } };

        var failure = Assert.Single(new TelemetryOptionsValidator(environmentEndpoint: null).Validate(null, options).Failures!);

        Assert.StartsWith("Telemetry:Prometheus:Port", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", 0)]
    [InlineData("0.0.0.0", 2406)]
    [InlineData("::1", 65535)]
    public void Validate_WithGoodPrometheusEndpoint_Succeeds(string address, int port)
    {
        var options = new TelemetryOptions { Prometheus = new PrometheusOptions { Address = address, Port = port } };

        Assert.True(new TelemetryOptionsValidator(environmentEndpoint: null).Validate(null, options).Succeeded);
    }

    [Fact]
    public void Defaults_ServeOnGokeylessMetricsPortOnLoopback()
    {
        var options = new PrometheusOptions();

        Assert.Equal((true, "127.0.0.1", 2406), (options.Enabled, options.Address, options.Port));
    }
}
