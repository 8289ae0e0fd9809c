using KeylessGeo.KeyServer.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>The keyserver refuses to start on bad configuration and lists every problem at once.</summary>
public sealed class ConfigurationEndToEndTests
{
    [Fact]
    public void Create_WithSeveralBadSettings_ThrowsListingEveryOne()
    {
        var missing = Path.Combine(Path.GetTempPath(), "keylessgeo-missing-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks-bad",
            ["KeyServer:Datacenter"] = "bad1",
            ["KeyServer:KeysDirectory"] = Path.Combine(missing, "keys"),
            ["KeyServer:Admission:Workers"] = "0",
            ["Listen:Port"] = "70000",
            ["Listen:CertificatePath"] = Path.Combine(missing, "server.crt"),
            ["Listen:KeyPath"] = Path.Combine(missing, "server.key"),
            ["Listen:ClientCaPath"] = Path.Combine(missing, "ca.crt"),
            ["Telemetry:OtlpProtocol"] = "udp",
        };

        var error = Assert.Throws<OptionsValidationException>(() =>
            KeyServerApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        string[] expected =
        [
            $"KeyServer:KeysDirectory '{Path.Combine(missing, "keys")}'",
            "KeyServer:Admission:Workers",
            "Listen:Port 70000",
            $"Listen:CertificatePath '{Path.Combine(missing, "server.crt")}'",
            $"Listen:KeyPath '{Path.Combine(missing, "server.key")}'",
            $"Listen:ClientCaPath '{Path.Combine(missing, "ca.crt")}'",
            "Telemetry:OtlpProtocol",
        ];
        Assert.Equal(expected.Length, error.Failures.Count());
        foreach (var field in expected)
        {
            Assert.Contains(error.Failures, failure => failure.Contains(field, StringComparison.Ordinal));
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
        }
    }
}
