using KeylessGeo.KeyServer.Discovery;
using KeylessGeo.KeyServer.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Discovery;

public sealed class DiscoveryOptionsTests
{
    [Fact]
    public void Defaults_AreValid_WithAFiveSecondRefresh()
    {
        var options = new DiscoveryOptions();

        Assert.Equal(TimeSpan.FromSeconds(5), options.RefreshInterval);
        Assert.True(new DiscoveryOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void SampleConfiguration_ShowsTheDiscoveryDefault()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "keyserver.sample.json"))
            .Build();

        Assert.Equal(new DiscoveryOptions(), configuration.GetSection(DiscoveryOptions.SectionName).Get<DiscoveryOptions>());
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:00:00.050")]
    [InlineData("00:05:00.001")]
    public void RefreshInterval_OutsideItsRange_IsRejected_NamingTheFieldAndValue(string interval)
    {
        var value = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture);

        var result = new DiscoveryOptionsValidator().Validate(null, new DiscoveryOptions { RefreshInterval = value });

        Assert.True(result.Failed);
        Assert.Equal($"Discovery:RefreshInterval {value} is outside 00:00:00.1000000..00:05:00.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void ABadRefreshInterval_IsInTheStartUpErrorList_WithTheOtherErrors()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks-bad",
            ["KeyServer:Datacenter"] = "bad1",
            ["KeyServer:KeysDirectory"] = Path.GetTempPath(),
            ["Listen:Port"] = "-1",
            ["Listen:UnixSocketPath"] = Path.Combine(Path.GetTempPath(), "keylessgeo-discovery-options.sock"),
            ["Keyless:Port"] = "-1",
            ["Grpc:MaxConnections"] = "0",
            ["Discovery:RefreshInterval"] = "00:00:00",
        };

        var error = Assert.Throws<OptionsValidationException>(() =>
            KeyServerApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        Assert.Contains(error.Failures, f => f.StartsWith("Discovery:RefreshInterval 00:00:00 is outside", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Grpc:MaxConnections 0", StringComparison.Ordinal));
    }
}
