using System.Net;
using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;

namespace KeylessGeo.ControlPlane.Tests.Health;

/// <summary>
/// The control plane's metrics and health endpoint: plain HTTP without a client certificate (what
/// kubelet's probes and a Prometheus scraper can reach), serving <c>/metrics</c>, <c>/healthz</c>
/// and <c>/readyz</c> with the API's readiness decision, and nothing of the API itself.
/// </summary>
public sealed class TelemetryEndpointTests : IAsyncLifetime
{
    private readonly InterferingStore _store = new(new InMemoryControlPlaneStore());
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private ReadinessHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ReadinessHost.StartAsync(store: _store);
        await _host.SeedAsync("eu");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task AHealthyControlPlane_AnswersOk_AndExportsItsMeter()
    {
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync("/healthz"));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync("/readyz"));
        var (status, metrics) = await GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("keylessgeo_controlplane_ready", metrics, StringComparison.Ordinal);
        Assert.Contains("keylessgeo_controlplane_store_commit_failures", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApi_IsNotServedOnTheTelemetryPort()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/v1/topology")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/v1/audit")).Status);
    }

    [Fact]
    public async Task AFailingCommitPath_FailsReadiness_NotLiveness_UntilACommitSucceeds()
    {
        _store.BeforeCommit = () => throw new StoreUnavailableException("could not extend file: No space left on device");
        await Assert.ThrowsAsync<ControlPlaneException>(() => _host.CreatePolicyAsync("eu-2"));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, StoreReadinessHealthCheck.Name + "\n"), await GetAsync("/readyz"));
        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync("/healthz"));

        _store.BeforeCommit = null;
        await _host.CreatePolicyAsync("eu-2");

        Assert.Equal((HttpStatusCode.OK, "ok\n"), await GetAsync("/readyz"));
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(_host.TelemetryAddress, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
