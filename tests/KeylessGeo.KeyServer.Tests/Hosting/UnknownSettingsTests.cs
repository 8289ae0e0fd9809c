using System.Collections;
using KeylessGeo.Serving.Hosting;

namespace KeylessGeo.KeyServer.Tests.Hosting;

/// <summary>
/// Which environment variables a program checks for unknown settings: its own sections, not those
/// of another program of the family sharing the environment (a keyserver beside its edge agent).
/// </summary>
public sealed class UnknownSettingsTests
{
    private static readonly Hashtable SharedEnvironment = new()
    {
        ["KEYLESSGEO_Listen__Port"] = "7443",
        ["KEYLESSGEO_Listne__Port"] = "7443",
        ["KEYLESSGEO_AGENT_Upstreams__0__Address"] = "https://127.0.0.1:7443",
        ["KEYLESSGEO_EDGEHOST_Listen__Port"] = "443",
        ["KEYLESSGEO_ENGINE_SOCKET"] = "/run/keylessgeo/agent.sock",
        ["KEYLESSGEO_PIN"] = "1234",
        ["PATH"] = "/usr/bin",
    };

    [Fact]
    public void TheKeyserver_ChecksItsOwnSections_NotTheAgentsOrTheEdgeHosts()
    {
        var sections = UnknownSettings.EnvironmentSections("KEYLESSGEO_", SharedEnvironment).Select(s => s.Key).Order(StringComparer.Ordinal);

        Assert.Equal(["Listen", "Listne"], sections);
    }

    [Fact]
    public void TheEdgeAgent_ChecksItsOwnSections()
    {
        var sections = UnknownSettings.EnvironmentSections("KEYLESSGEO_AGENT_", SharedEnvironment).Select(s => s.Key);

        Assert.Equal(["Upstreams"], sections);
    }
}
