using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Hosting;

namespace KeylessGeo.ControlPlane.Tests.Access;

/// <summary>The plaintext TCP port: off by default; when enabled, loopback-only, anonymous and read-only.</summary>
public sealed class PlaintextAccessTests
{
    [Fact]
    public async Task ThePlaintextPort_ServesReads_RefusesEveryChangeWith401_AndAuditsIt()
    {
        await using var host = await ApiHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ControlPlane:Listen:PlaintextPort"] = "0",
            ["ControlPlane:Access:RefusalAuditInterval"] = "00:00:00.100",
        });
        using var admin = host.CreateClient();
        await admin.PutAsync("/v1/topology", new StringContent(TestTopology.Json, Encoding.UTF8, "application/json"));
        await admin.PostAsJsonAsync("/v1/policies", new { id = "eu-only", text = "region: EU" });
        using var anonymous = host.CreatePlaintextClient();

        var list = await anonymous.GetAsync("/v1/policies");
        var explain = await anonymous.PostAsJsonAsync("/v1/policies/explain", new { text = "all" });
        using var update = new HttpRequestMessage(HttpMethod.Put, "/v1/policies/eu-only") { Content = JsonContent.Create(new { text = "all" }) };
        update.Headers.Add("X-Actor", "CN=alice, O=ops");
        var refused = await anonymous.SendAsync(update);
        var created = await anonymous.PostAsJsonAsync("/v1/policies", new { id = "global", text = "all" });

        Assert.Equal("127.0.0.1", host.PlaintextAddress!.Host);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, explain.StatusCode);
        var problem = await ProblemAssert.IsAsync(refused, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("the plaintext endpoint is read-only", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsAsync(created, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("region: EU", JsonDocument.Parse(await admin.GetStringAsync("/v1/policies/eu-only")).RootElement.GetProperty("text").GetString());
        var (rows, _, _) = await RefusalEntries.WaitForAsync(host.Store, 2);
        Assert.All(rows, row => Assert.Equal((CallerIdentity.AnonymousName, RefusalReasons.ReadOnlyEndpoint, 401), (row.Identity, row.Reason, row.Status)));
        Assert.Equal(["PUT /v1/policies/eu-only", "POST /v1/policies"], rows.Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task ThePlaintextPort_IsOffByDefault_AndInTheSampleConfiguration()
    {
        await using var host = await ApiHost.StartAsync();
        var sample = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "controlplane.sample.json"))).RootElement;

        Assert.Null(host.PlaintextAddress);
        Assert.Null(new ControlPlaneListenOptions().PlaintextPort);
        Assert.False(sample.GetProperty("ControlPlane").GetProperty("Listen").TryGetProperty("PlaintextPort", out _));
    }
}
