using KeylessGeo.Testing;
using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Tests.Admission;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Diagnostics;

/// <summary>The keyserver's own readiness and liveness checks, against the real key store and admission controller.</summary>
public sealed class KeyServerHealthCheckTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly ManualClock _time = new();
    private readonly ManualResetEventSlim _gate = new(false);
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        _gate.Set();
        _gate.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task KeysCheck_IsUnhealthyUntilIndexed_AndWhileExpectedManagedKeysAreUnread()
    {
        using var keys = new KeyStore(Options.Create(new KeyServerOptions { KeysDirectory = _directory.Path }), NullLogger<KeyStore>.Instance);
        var check = new KeyIndexHealthCheck(keys);

        var beforeIndex = await CheckAsync(check);
        keys.Reload();
        var indexed = await CheckAsync(check);
        keys.ExpectManagedKeys();
        var managedPending = await CheckAsync(check);
        keys.ApplyManagedKeys([]);
        var managedApplied = await CheckAsync(check);

        Assert.Equal(
            [HealthStatus.Unhealthy, HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Healthy],
            new[] { beforeIndex.Status, indexed.Status, managedPending.Status, managedApplied.Status });
    }

    [Fact]
    public async Task WorkersCheck_WhenIdle_StaysHealthyHoweverLongNothingCompletes()
    {
        using var admission = new AdmissionController(1, 4, _time, NullLogger<AdmissionController>.Instance);
        var check = new AdmissionProgressHealthCheck(admission, _time);

        var first = await CheckAsync(check);
        _time.Advance(TimeSpan.FromHours(1));
        var later = await CheckAsync(check);

        Assert.Equal((HealthStatus.Healthy, HealthStatus.Healthy), (first.Status, later.Status));
    }

    [Fact]
    public async Task WorkersCheck_WithWorkPendingAndNoCompletionForTheStallLimit_IsUnhealthy_UntilOneCompletes()
    {
        using var admission = new AdmissionController(1, 4, _time, NullLogger<AdmissionController>.Instance);
        var check = new AdmissionProgressHealthCheck(admission, _time);
        var stuck = new GatedWorkItem(_time.GetUtcNow() + TimeSpan.FromHours(1), _gate);
        Assert.True(admission.TryEnqueue(stuck).IsAccepted);
        await stuck.Started.Task.WaitAsync(Bound);

        var seen = await CheckAsync(check);
        _time.Advance(AdmissionProgressHealthCheck.StallLimit - TimeSpan.FromSeconds(1));
        var justUnder = await CheckAsync(check);
        _time.Advance(TimeSpan.FromSeconds(1));
        var stalled = await CheckAsync(check);
        _gate.Set();
        Assert.Equal("executed", await stuck.Outcome.Task.WaitAsync(Bound));
        var recovered = await CheckAsync(check);

        Assert.Equal(HealthStatus.Healthy, seen.Status);
        Assert.Equal(HealthStatus.Healthy, justUnder.Status);
        Assert.Equal(HealthStatus.Unhealthy, stalled.Status);
        Assert.Contains("1 running", stalled.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
    }

    private static Task<HealthCheckResult> CheckAsync(IHealthCheck check) => check.CheckHealthAsync(new HealthCheckContext());
}
