using KeylessGeo.EdgeHost.Configuration;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace KeylessGeo.EdgeTls.Tests.EdgeHost;

/// <summary>The edge host's settings: every mistake reported, naming the setting.</summary>
public sealed class EdgeHostSettingsTests
{
    [Fact]
    public void EveryMistake_IsListed_NamingItsSetting()
    {
        var failures = new List<string>();
        EdgeHostSettings.Read(Configuration(new()
        {
            ["Https:Address"] = "localhost",
            ["Https:Port"] = "70000",
            ["Https:MinimumTlsVersion"] = "1.1",
            ["Engine:Path"] = "/nonexistent/keylessgeo.so",
            ["Certificates:0:CertificatePath"] = "/nonexistent/site.pem",
            ["Certificates:0:Hosts:0"] = "*.*.example.com",
            ["Certificates:0:KeyId"] = "x",
            ["Certificates:0:LocalKeyPath"] = "/nonexistent/site.key",
            ["Certificates:1:CertificatePath"] = "/nonexistent/keyless.pem",
            ["Handshakes:MaxConcurrent"] = "0",
            ["Handshakes:QueueTimeout"] = "-00:00:01",
        }), failures);

        foreach (var setting in new[]
        {
            "Https:Address", "Https:Port", "Https:MinimumTlsVersion", "Engine:Path", "Certificates:0:CertificatePath",
            "Certificates:0:Hosts", "KeyId", "Certificates:0:LocalKeyPath", "Handshakes:MaxConcurrent", "Handshakes:QueueTimeout",
        })
        {
            Assert.Contains(failures, f => f.Contains(setting, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void NoCertificate_IsAnError()
    {
        var failures = new List<string>();
        EdgeHostSettings.Read(Configuration([]), failures);
        Assert.Contains(failures, f => f.StartsWith("Certificates: at least one certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void ASoundConfiguration_HasNoErrors()
    {
        var certificate = Path.GetTempFileName();
        try
        {
            var failures = new List<string>();
            var settings = EdgeHostSettings.Read(Configuration(new()
            {
                ["Https:Port"] = "0",
                ["Certificates:0:CertificatePath"] = certificate,
                ["Certificates:0:Hosts:0"] = "*.example.com",
                ["Engine:Commands:AGENT_SOCKET"] = "/run/keylessgeo/edge-agent.keyless.sock",
            }), failures);

            Assert.Empty(failures);
            Assert.Equal("/run/keylessgeo/edge-agent.keyless.sock", settings.Engine.Commands["AGENT_SOCKET"]);
            Assert.Equal(64, settings.Handshakes.MaxConcurrent);
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
