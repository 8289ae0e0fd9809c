using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.Serving.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Grpc;

/// <summary>Validation of the <c>Grpc</c> section: every problem listed at once, each naming the field and the bad value.</summary>
public sealed class GrpcOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new GrpcOptionsValidator().Validate(null, new GrpcOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Defaults_KeepThePingDelayLongerThanTheIdleTimeout_AndTheWindowsAboveTheHttp2Minimum()
    {
        var options = new GrpcOptions();

        Assert.True(options.KeepAlivePingDelay > options.IdleTimeout);
        Assert.InRange(options.InitialStreamWindowSize, GrpcOptionsValidator.SmallestWindow, options.InitialConnectionWindowSize);
        Assert.InRange(options.MaxConnectionsPerClient, 1, options.MaxConnections);
    }

    [Fact]
    public void Validate_ConnectionLimitsTimeoutsAndHttp2Settings_ListEveryProblem()
    {
        var options = new GrpcOptions
        {
            MaxReceiveMessageSize = 100,
            ResponseQueueCapacity = 0,
            MaxConnections = 0,
            MaxConnectionsPerClient = 0,
            IdleTimeout = TimeSpan.Zero,
            KeepAlivePingDelay = TimeSpan.FromMilliseconds(500),
            KeepAlivePingTimeout = TimeSpan.FromDays(2),
            RequestHeadersTimeout = TimeSpan.FromSeconds(-1),
            MaxStreamsPerConnection = 0,
            InitialConnectionWindowSize = 65_534,
            InitialStreamWindowSize = 32 * 1024 * 1024,
        };

        var failures = new GrpcOptionsValidator().Validate(null, options).Failures!.ToList();

        string[] expected =
        [
            "Grpc:MaxReceiveMessageSize 100 is outside 1024..16777216 bytes.",
            "Grpc:ResponseQueueCapacity 0 is outside 1..65536.",
            "Grpc:MaxConnections 0 must be at least 1.",
            "Grpc:MaxConnectionsPerClient 0 must be between 1 and Grpc:MaxConnections (0).",
            "Grpc:IdleTimeout 00:00:00 must be more than 00:00:00 and at most 1.00:00:00 (1 day).",
            "Grpc:KeepAlivePingDelay 00:00:00.5000000 must be at least 00:00:01 and at most 1.00:00:00 (1 day).",
            "Grpc:KeepAlivePingTimeout 2.00:00:00 must be at least 00:00:01 and at most 1.00:00:00 (1 day).",
            "Grpc:RequestHeadersTimeout -00:00:01 must be more than 00:00:00 and at most 1.00:00:00 (1 day).",
            "Grpc:MaxStreamsPerConnection 0 is outside 1..10000.",
            "Grpc:InitialConnectionWindowSize 65534 is outside 65535..16777216 bytes.",
            "Grpc:InitialStreamWindowSize 33554432 is outside 65535..16777216 bytes.",
        ];
        Assert.Equal(expected, failures);
    }

    [Fact]
    public void Validate_PerClientLimitAboveThePortLimit_IsRefused()
    {
        var failures = new GrpcOptionsValidator().Validate(null, new GrpcOptions { MaxConnections = 10, MaxConnectionsPerClient = 11 }).Failures;

        Assert.Equal(["Grpc:MaxConnectionsPerClient 11 must be between 1 and Grpc:MaxConnections (10)."], failures);
    }

    [Theory]
    [InlineData("00:02:00", "00:02:00")]
    [InlineData("00:02:00", "00:01:00")]
    public void Validate_PingDelayNotLongerThanTheIdleTimeout_IsRefused_BecausePingsWouldKeepIdleConnectionsOpen(string idle, string delay)
    {
        var options = new GrpcOptions { IdleTimeout = TimeSpan.Parse(idle, System.Globalization.CultureInfo.InvariantCulture), KeepAlivePingDelay = TimeSpan.Parse(delay, System.Globalization.CultureInfo.InvariantCulture) };

        var failure = Assert.Single(new GrpcOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith($"Grpc:KeepAlivePingDelay {delay} must be longer than Grpc:IdleTimeout ({idle})", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleConfiguration_ShowsEveryGrpcDefault()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "keyserver.sample.json"))
            .Build();

        var options = configuration.GetSection(GrpcOptions.SectionName).Get<GrpcOptions>();

        Assert.Equal(new GrpcOptions(), options);
        Assert.Equal(1024, options!.MaxConnections);
        Assert.Equal(TimeSpan.FromMinutes(2), options.IdleTimeout);
    }

    [Fact]
    public void Create_WithBadGrpcSettings_ThrowsListingEachOne_SoTheProcessExitsWithCode2()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks-bad",
            ["KeyServer:Datacenter"] = "bad1",
            ["KeyServer:KeysDirectory"] = Path.GetTempPath(),
            ["Listen:Port"] = "-1",
            ["Listen:UnixSocketPath"] = Path.Combine(Path.GetTempPath(), "keylessgeo-grpc-options.sock"),
            ["Keyless:Port"] = "-1",
            ["Grpc:MaxConnections"] = "0",
            ["Grpc:IdleTimeout"] = "00:10:00",
            ["Grpc:InitialStreamWindowSize"] = "1000",
        };

        var error = Assert.Throws<OptionsValidationException>(() =>
            KeyServerApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        string[] expected =
        [
            "Grpc:MaxConnections 0",
            "Grpc:MaxConnectionsPerClient 64 must be between 1 and Grpc:MaxConnections (0).",
            "Grpc:KeepAlivePingDelay 00:03:00 must be longer than Grpc:IdleTimeout (00:10:00)",
            "Grpc:InitialStreamWindowSize 1000",
        ];
        Assert.Equal(expected.Length, error.Failures.Count());
        foreach (var text in expected)
        {
            Assert.Contains(error.Failures, failure => failure.Contains(text, StringComparison.Ordinal));
        }
    }
}
