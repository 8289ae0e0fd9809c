using KeylessGeo.KeyServer.Forwarding;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Forwarding;

/// <summary>The <c>Cluster:Forwarding</c> section: checked at start-up with every problem named at once; off registers nothing.</summary>
public sealed class ForwardingConfigurationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Validate_WhenDisabled_AcceptsAnything()
    {
        var options = new ForwardingOptions { Enabled = false, MaxAttempts = -1, ClientCertificatePath = "" };

        Assert.True(new ForwardingOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_WhenEnabled_NamesEveryProblemAtOnce()
    {
        var options = new ForwardingOptions
        {
            ConnectTimeout = TimeSpan.Zero,
            AttemptTimeout = TimeSpan.FromMilliseconds(1),
            MaxAttempts = 11,
            BackoffBase = TimeSpan.FromSeconds(1),
            BackoffMax = TimeSpan.FromMilliseconds(100),
            BreakerFailureRatio = 0,
            BreakerMinimumThroughput = 1,
            BreakerSamplingDuration = TimeSpan.FromMilliseconds(100),
            BreakDuration = TimeSpan.FromMilliseconds(500),
            DirectoryRefreshInterval = TimeSpan.FromHours(1),
            RegionPreference = ["EU", "", "eu"],
            ClientCertificatePath = "",
            ClientKeyPath = "/no/such/key.pem",
        };

        var failures = new ForwardingOptionsValidator().Validate(null, options).Failures!.ToList();

        string[] expected =
        [
            "Cluster:Forwarding:ConnectTimeout must be between 00:00:00.1000000 and 00:05:00, got 00:00:00.",
            "Cluster:Forwarding:AttemptTimeout must be between",
            "Cluster:Forwarding:MaxAttempts must be between 1 and 10 (1 never retries), got 11.",
            "Cluster:Forwarding:BackoffMax (00:00:00.1000000) must not be shorter than Cluster:Forwarding:BackoffBase (00:00:01).",
            "Cluster:Forwarding:BreakerFailureRatio must be above 0 and at most 1",
            "Cluster:Forwarding:BreakerMinimumThroughput must be between 2 and 1000000, got 1.",
            "Cluster:Forwarding:BreakerSamplingDuration must be between",
            "Cluster:Forwarding:BreakDuration must be between",
            "Cluster:Forwarding:DirectoryRefreshInterval must be between",
            "Cluster:Forwarding:RegionPreference:1 is empty",
            "Cluster:Forwarding:RegionPreference:2 'eu' is listed twice.",
            "Cluster:Forwarding:ClientCertificatePath is required",
            "Cluster:Forwarding:ClientKeyPath '/no/such/key.pem' does not exist.",
            "Cluster:Forwarding:TrustedCaPath is required",
        ];
        Assert.Equal(expected.Length, failures.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.StartsWith(expected[i], failures[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_AcceptsTheDefaults_WithTheTlsFiles()
    {
        Assert.True(new ForwardingOptionsValidator().Validate(null, WithTlsFiles(new ForwardingOptions())).Succeeded);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public async Task AnOptionsSetThatPassesValidation_BuildsItsPipelines(int maxAttempts)
    {
        // The validator's bounds are the narrowest Polly accepts; a forwarder and an upstream built
        // from them must not throw Polly's own validation error.
        await using var harness = await ForwardingHarness.StartAsync(new Dictionary<string, string?>
        {
            ["MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AttemptTimeout"] = "00:00:00.010",
            ["BreakerMinimumThroughput"] = "2",
            ["BreakerSamplingDuration"] = "00:00:00.501",
            ["BreakDuration"] = "00:00:00.501",
            ["BreakerFailureRatio"] = "1",
        });

        Assert.NotNull(harness.Forwarder);
        var upstream = harness.Upstreams.Acquire("https://127.0.0.1:7001");
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, upstream.Breaker.CircuitState);
        upstream.Release();
    }

    [Fact]
    public void AddKeyServerForwarding_WhenDisabled_RegistersNoForwarder()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Cluster:Forwarding:Enabled"] = "false" }).Build();
        using var provider = new ServiceCollection().AddKeyServerForwarding(configuration).BuildServiceProvider();

        Assert.Null(provider.GetService<IRemoteForwarder>());
        Assert.False(provider.GetRequiredService<IOptions<ForwardingOptions>>().Value.Enabled);
    }

    [Fact]
    public void AddKeyServerForwarding_WithBadSettings_FailsNamingThem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Forwarding:MaxAttempts"] = "0",
            ["Cluster:Forwarding:TrustedCaPath"] = "/no/such/ca.pem",
        }).Build();
        using var provider = new ServiceCollection().AddKeyServerForwarding(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ForwardingOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("Cluster:Forwarding:MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Cluster:Forwarding:TrustedCaPath '/no/such/ca.pem'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Cluster:Forwarding:ClientCertificatePath is required", StringComparison.Ordinal));
    }

    private ForwardingOptions WithTlsFiles(ForwardingOptions options)
    {
        using var tls = TestTlsMaterial.Create();
        var pem = tls.WritePem(_directory.Path);
        return options with { ClientCertificatePath = pem.ClientCertificate, ClientKeyPath = pem.ClientKey, TrustedCaPath = pem.CaCertificate };
    }
}
