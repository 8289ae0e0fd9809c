using KeylessGeo.EdgeAgent.Configuration;
using Microsoft.Extensions.Configuration;

namespace KeylessGeo.EdgeAgent.Tests.Configuration;

/// <summary>The agent's settings are bound strictly and every problem is listed.</summary>
public sealed class EdgeAgentSettingsTests
{
    private static (EdgeAgentSettings Settings, List<string> Failures) Read(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var failures = new List<string>();
        return (EdgeAgentSettings.Read(configuration, failures), failures);
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        ["Agent:Id"] = "agent-1",
        ["Agent:Datacenter"] = "fra1",
        ["Upstreams:LocalKeyserver"] = "http://127.0.0.1:7080",
        ["Upstreams:Discover"] = "false",
    };

    [Fact]
    public void ValidSettings_HaveNoFailures()
    {
        var (settings, failures) = Read(Valid());

        Assert.Empty(failures);
        Assert.Equal("agent-1", settings.Agent.Id);
        Assert.Equal(1, settings.Upstreams.Local.MaxAttempts);
        Assert.Equal(3, settings.Upstreams.Datacenter.MaxAttempts);
        Assert.True(settings.Upstreams.Local.ConnectTimeout < settings.Upstreams.Datacenter.ConnectTimeout);
        Assert.True(settings.Upstreams.Local.RequestTimeout > settings.Upstreams.Datacenter.RequestTimeout);
    }

    [Fact]
    public void EveryProblem_IsListed()
    {
        var (_, failures) = Read(new()
        {
            ["Agent:Id"] = "",
            ["Agent:Datacenter"] = "",
            ["Endpoint:KeylessPort"] = "70000",
            ["Endpoint:SocketMode"] = "0666",
            ["Upstreams:Discover"] = "false",
            ["Upstreams:Local:MaxAttempts"] = "2",
            ["Upstreams:Keyservers:0:Address"] = "ftp://x",
        });

        Assert.Contains(failures, f => f.Contains("Agent:Id", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:Datacenter", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Endpoint:KeylessPort 70000", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Endpoint:SocketMode '0666'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Upstreams:Local:MaxAttempts must be 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Upstreams:Keyservers:0:Address 'ftp://x'", StringComparison.Ordinal));
    }

    [Fact]
    public void MisspeltKey_AndWrongType_AreErrorsNotSilentDefaults()
    {
        var values = Valid();
        values["Agent:DefaultDeadlin"] = "00:00:01";
        values["Upstreams:ConnectionsPerUpstream"] = "two";

        var (_, failures) = Read(values);

        Assert.Contains(failures, f => f.Contains("DefaultDeadlin", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ConnectionsPerUpstream", StringComparison.Ordinal));
    }

    [Fact]
    public void NoKeyserver_AndTlsWithoutFiles_AreListed()
    {
        var (_, failures) = Read(new() { ["Agent:Id"] = "a", ["Agent:Datacenter"] = "d", ["Upstreams:Keyservers:0:Address"] = "https://10.0.0.1:7443" });

        Assert.Contains(failures, f => f.Contains("Upstreams:CertificatePath is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Upstreams:CaPath is required", StringComparison.Ordinal));

        var (_, none) = Read(new() { ["Agent:Id"] = "a", ["Agent:Datacenter"] = "d", ["Upstreams:Discover"] = "false" });
        Assert.Contains(none, f => f.Contains("no keyserver is configured", StringComparison.Ordinal));
    }
}
