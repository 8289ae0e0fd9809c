using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.ControlPlane.Tests.Operations;

/// <summary>A change that lost the race is planned again against the new state, or refused whole.</summary>
public sealed class OptimisticConcurrencyTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new();
    private InterferingStore _store = null!;
    private ControlPlaneServices _services = null!;

    public async Task InitializeAsync()
    {
        await _harness.SetUpAsync(register: false);
        await _harness.RegisterAsync("fra1");
        _store = new InterferingStore(_harness.Store);
        _services = ControlPlaneServices.Create(_store, _harness.Keyring, time: _harness.Time);
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task ACommitThatLostTheRace_IsReplannedAgainstTheNewState()
    {
        // Another instance registers ams1's wrapping key between this create's read and its commit.
        _store.BeforeCommit = async () =>
        {
            await _harness.RegisterAsync("ams1");
            return false;
        };

        var change = await _services.Policies.CreateAsync("bob", new PolicyRequest { Id = "eu", Policy = PolicyInput.FromText("region: EU") }, CancellationToken.None);

        Assert.Equal(2, _store.CommitAttempts);
        Assert.Equal<string>(["ams1", "fra1"], change.Policy.WrappedFor);
        var audit = await _harness.Services.Audit.ListAsync(1, 100, CancellationToken.None);
        Assert.Equal(["datacenter.register-key", "policy.create"], audit.Entries.TakeLast(2).Select(e => e.Action));
    }

    [Fact]
    public async Task PersistentConflicts_AreRefusedAsConcurrentChange_WithNothingOfTheOperationApplied()
    {
        var interference = 0;
        _store.BeforeCommit = async () =>
        {
            await _harness.Services.Topology.ReplaceAsync("other", KeylessGeo.ControlPlane.Topology.TopologyReplacement.FromJson(
                TestTopology.Json.Replace("\"standard\" }", $"\"standard\", \"labels\": [\"v{++interference}\"] }}", StringComparison.Ordinal)), CancellationToken.None);
            return true;
        };

        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() =>
            _services.Policies.CreateAsync("bob", new PolicyRequest { Id = "eu", Policy = PolicyInput.FromText("region: EU") }, CancellationToken.None));

        Assert.Equal(ErrorCodes.ConcurrentChange, refused.Code);
        Assert.Equal(ErrorKind.Conflict, refused.Kind);
        Assert.Equal(ChangeCommitter.MaxAttempts, _store.CommitAttempts);
        Assert.Null((await _harness.SnapshotAsync()).FindPolicy("eu"));
    }

    [Fact]
    public async Task AnUnavailableStore_IsReportedAsSuch()
    {
        _store.Unavailable = true;

        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() => _services.Policies.ListAsync(CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        Assert.Contains("connection refused", refused.Message, StringComparison.Ordinal);
    }
}
