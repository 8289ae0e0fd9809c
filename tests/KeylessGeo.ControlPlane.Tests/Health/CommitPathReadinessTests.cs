using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;

namespace KeylessGeo.ControlPlane.Tests.Health;

/// <summary>
/// A failed commit path: the store reads fine but does not take a commit (a full disk, a read-only
/// database). Readiness says so, with the reason, until a later commit goes through.
/// </summary>
public sealed class CommitPathReadinessTests : IAsyncLifetime
{
    private readonly InterferingStore _store = new(new InMemoryControlPlaneStore());
    private ReadinessHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ReadinessHost.StartAsync(store: _store);
        await _host.SeedAsync("eu");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AFailedCommit_MakesReadinessFailWithTheReason_UntilACommitSucceeds()
    {
        _store.BeforeCommit = () => throw new StoreUnavailableException("could not extend file: No space left on device");

        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() => _host.CreatePolicyAsync("eu-2"));
        using var failing = await _host.Client.GetAsync("/readyz");
        var body = await failing.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(ErrorCodes.StoreUnavailable, refused.Code);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        Assert.Equal("not-checked", body.GetProperty("integrity").GetString());
        var problem = Assert.Single(body.GetProperty("problems").EnumerateArray());
        Assert.Equal(ReadinessCodes.CommitFailing, problem.GetProperty("code").GetString());
        var message = problem.GetProperty("message").GetString();
        Assert.Contains("policy create", message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", message, StringComparison.Ordinal);
        Assert.Equal(_host.Services.CommitHealth.LastFailure!.At, problem.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("/healthz")).StatusCode);

        _store.BeforeCommit = null;
        await _host.CreatePolicyAsync("eu-2");
        using var recovered = await _host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Null(_host.Services.CommitHealth.LastFailure);
        Assert.Equal(1, _host.Services.CommitHealth.Failures);
    }

    [Fact]
    public async Task ARefusedOperation_IsNotAFailedCommit()
    {
        await Assert.ThrowsAsync<ControlPlaneException>(() => _host.CreatePolicyAsync("eu"));

        using var response = await _host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, _host.Services.CommitHealth.Failures);
    }
}
