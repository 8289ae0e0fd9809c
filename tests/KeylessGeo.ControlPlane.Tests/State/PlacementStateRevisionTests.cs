using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Tests.State;

/// <summary>
/// A placement's state revision comes from the follower's per-record revisions: exact for a
/// control plane that applied the key's change itself, an upper bound (the earliest change the
/// store still keeps) for one started after the store dropped that change from its feed.
/// </summary>
public sealed class PlacementStateRevisionTests : IAsyncLifetime
{
    private readonly ServiceHarness _harness = new(changeRetention: 4);
    private long _imported;

    public async Task InitializeAsync()
    {
        await _harness.SetUpAsync();
        await _harness.CreatePolicyAsync("eu", "region: EU");
        _imported = (await _harness.ImportAsync("shop", "eu", TestKeys.EcP256Pkcs8())).Revision;
        // The harness's control plane follows all of this; the feed keeps only the last few records.
        for (var i = 0; i < 6; i++)
        {
            await _harness.CreatePolicyAsync($"na{i}", "region: NA");
        }
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task AControlPlaneThatAppliedTheChange_KnowsItsRevisionExactly()
    {
        var placement = await _harness.Services.Placement.GetAsync("shop", CancellationToken.None);

        Assert.Equal(_imported, placement.StateRevision);
        Assert.True(placement.StateRevisionExact);
    }

    [Fact]
    public async Task AControlPlaneStartedAfterTheFeedDroppedIt_GivesTheEarliestRetainedRevision_AsABound()
    {
        var restarted = ControlPlaneServices.Create(_harness.Store, _harness.Keyring, time: _harness.Time);
        var earliest = (await _harness.Store.ReadChangesAsync(0, 100, CancellationToken.None)).Changes[0].Revision;

        var placement = await restarted.Placement.GetAsync("shop", CancellationToken.None);

        Assert.False(placement.StateRevisionExact);
        Assert.Equal(earliest, placement.StateRevision);
        Assert.True(placement.StateRevision > _imported);
    }
}
