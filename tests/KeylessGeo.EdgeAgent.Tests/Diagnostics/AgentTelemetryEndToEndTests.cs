using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Prometheus;

namespace KeylessGeo.EdgeAgent.Tests.Diagnostics;

/// <summary>The agent's scrape endpoint moves with the requests it serves; readiness follows its upstreams.</summary>
public sealed class AgentTelemetryEndToEndTests
{
    [Fact]
    public async Task Metrics_CountTheRequests_AndReadinessFollowsTheUpstreams()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var scenario = await AgentScenario.StartAsync(timeout.Token);
        var (keys, agent) = (scenario.Keys, scenario.Agent);
        using var http = new HttpClient();
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);
        var metrics = new Uri(agent.TelemetryAddress, "/metrics");
        var before = await PrometheusScrape.ReadAsync(http, metrics, timeout.Token);

        const int Requests = 5;
        for (var i = 0; i < Requests; i++)
        {
            var response = await client.SignAsync(AgentRequests.EcdsaSha256((ulong)i, keys.Ski("ec")), cancellationToken: timeout.Token);
            Assert.True(response.Error is null, response.Error?.Message);
        }

        await client.SignAsync(AgentRequests.EcdsaSha256(99, new byte[20]), cancellationToken: timeout.Token);
        var after = await PrometheusScrape.ReadAsync(http, metrics, timeout.Token);
        double Rise(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        Assert.Equal(Requests, Rise("keylessgeo_edge_agent_requests_total", ("keylessgeo_path", "local"), ("keylessgeo_error_code", "OK"), ("keylessgeo_operation", "OPERATION_ECDSA_SHA256")));
        Assert.Equal(1, Rise("keylessgeo_edge_agent_requests_total", ("keylessgeo_error_code", "KEY_NOT_FOUND")));
        Assert.Equal(Requests + 1, Rise("keylessgeo_edge_agent_attempts_total", ("keylessgeo_attempt_outcome", "answered")));
        Assert.Equal(Requests + 1, Rise("keylessgeo_edge_agent_request_duration_seconds_count"));

        Assert.Equal("ok", (await http.GetStringAsync(new Uri(agent.TelemetryAddress, "/readyz"), timeout.Token)).Trim());
        Assert.Equal("ok", (await http.GetStringAsync(new Uri(agent.TelemetryAddress, "/healthz"), timeout.Token)).Trim());
    }

    [Fact]
    public async Task NoUpstreamAvailable_IsNotReady()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var tls = TestTlsMaterial.Create();
        await using var agent = await EdgeAgentTestHost.StartAsync(tls, "dc1", new Dictionary<string, string?>
        {
            ["Upstreams:Keyservers:0:Address"] = "http://127.0.0.1:1",
            ["Upstreams:Keyservers:0:Weight"] = "1",
        }, timeout.Token);
        using var http = new HttpClient();
        var pool = (KeylessGeo.EdgeAgent.Upstreams.UpstreamPool)agent.Services.GetService(typeof(KeylessGeo.EdgeAgent.Upstreams.UpstreamPool))!;
        pool.Current.Datacenter[0].Serving = false;

        using var response = await http.GetAsync(new Uri(agent.TelemetryAddress, "/readyz"), timeout.Token);

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("upstreams", await response.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
    }
}
