using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace KeylessGeo.ControlPlane.Tests.Hosting;

/// <summary>The default store is the embedded one: what the control plane commits survives a restart.</summary>
public sealed class EmbeddedStoreHostingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task PoliciesAndTheAuditLog_SurviveARestart_OnTheEmbeddedStore()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ControlPlane:Store:DataDirectory"] = _directory.File("data"),
            ["ControlPlane:WrappingKeyPath"] = _directory.File("cp.key"),
            ["ControlPlane:Listen:Port"] = "-1",
            ["Telemetry:Prometheus:Port"] = "0",
            ["ControlPlane:Listen:UnixSocket:Path"] = _directory.File("cp.sock"),
            ["ControlPlane:Access:Grants:0:Uid"] = UnixAccounts.CurrentUserId().ToString(CultureInfo.InvariantCulture),
            ["ControlPlane:Access:Grants:0:Roles:0"] = "admin",
        };

        await using (var first = await StartAsync(settings))
        {
            using var client = UnixSocketHttp.Create(_directory.File("cp.sock"));
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/topology", new StringContent(TestTopology.Json))).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/v1/policies", new { id = "eu", text = "region: EU" })).StatusCode);
        }

        await using var second = await StartAsync(settings);
        using var again = UnixSocketHttp.Create(_directory.File("cp.sock"));
        var policy = await again.GetFromJsonAsync<JsonElement>("/v1/policies/eu");
        var verify = await again.GetFromJsonAsync<JsonElement>("/v1/audit/verify");
        var health = await again.GetFromJsonAsync<JsonElement>("/healthz");

        Assert.Equal("region: EU", policy.GetProperty("text").GetString());
        Assert.True(verify.GetProperty("intact").GetBoolean());
        Assert.Equal(2, verify.GetProperty("verifiedCount").GetInt64());
        Assert.Equal("embedded", health.GetProperty("store").GetString());
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings)
    {
        var app = ControlPlaneApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        return app;
    }
}
