using KeylessGeo.KeyServer.Diagnostics;

namespace KeylessGeo.KeyServer.Tests.Diagnostics;

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
        };

        var result = new TelemetryOptionsValidator(environmentEndpoint: null).Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Telemetry:OtlpEndpoint", StringComparison.Ordinal) && f.Contains("'collector:4318/not a uri'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:OtlpProtocol", StringComparison.Ordinal) && f.Contains("'udp'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:ExportInterval", StringComparison.Ordinal) && f.Contains("-00:00:05", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:ServiceName", StringComparison.Ordinal));
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
}
