using KeylessGeo.Testing;
using KeylessGeo.KeyServer.Forwarding;
using KeylessGeo.KeyServer.Tests.Cluster;

namespace KeylessGeo.KeyServer.Tests.Forwarding;

public sealed class RemoteKeyserverDirectoryTests
{
    [Fact]
    public async Task Refresh_WhenTheStoreFails_KeepsTheLastGoodView_AndRecovers()
    {
        FlakyControlPlaneStore? flaky = null;
        await using var harness = await ForwardingHarness.StartAsync(store: inner => flaky = new FlakyControlPlaneStore(inner));
        await harness.AddLeaseAsync("ks-fra1", "fra1", "grpc://127.0.0.1:7443");
        await harness.RefreshAsync();
        var good = harness.Directory.View;

        flaky!.Down = true;
        Assert.False(await harness.Directory.RefreshAsync(CancellationToken.None));
        Assert.False(await harness.Directory.RefreshAsync(CancellationToken.None));

        Assert.Same(good, harness.Directory.View);
        Assert.Equal(["ks-fra1"], harness.Directory.Candidates(["fra1"]).Select(k => k.KeyserverId));
        Assert.Equal(2, harness.Meters.Sum(ForwardingInstruments.DirectoryFailures));
        await harness.Logs.WhenLoggedAsync("DirectoryRefreshFailed");

        flaky.Down = false;
        await harness.AddLeaseAsync("ks-ams1", "ams1", "grpc://127.0.0.1:7444");
        await harness.RefreshAsync();

        Assert.Equal(2, harness.Directory.View!.Count);
        await harness.Logs.WhenLoggedAsync("DirectoryRecovered");
    }

    [Fact]
    public async Task DirectoryService_RefreshesInTheBackground_AndClosesChannelsOfKeyserversThatLeft()
    {
        await using var harness = await ForwardingHarness.StartAsync(new Dictionary<string, string?> { ["DirectoryRefreshInterval"] = "00:00:05" });
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1");
        var service = Assert.Single(harness.HostedServices.OfType<RemoteKeyserverDirectoryService>());
        await service.StartAsync(CancellationToken.None);
        try
        {
            await harness.Logs.WhenLoggedAsync("DirectoryRefreshed", e => e.Message.Contains("1 keyservers", StringComparison.Ordinal));
            Assert.Equal("ks-fra1", (await harness.ForwardAsync(["fra1"])).ServedBy.KeyserverId);
            Assert.Equal(1, harness.Upstreams.Count);

            // fra1 leaves, sfo1 joins: the next refresh sees both changes.
            await harness.Store.RemoveLeaseAsync("ks-fra1", CancellationToken.None);
            await harness.AddUpstreamAsync("ks-sfo1", "sfo1");
            await WhenTimerScheduledAsync(harness.Clock);
            harness.Clock.Advance(TimeSpan.FromSeconds(5));
            await harness.Logs.WhenLoggedAsync("UpstreamsRetired");

            Assert.Equal(0, harness.Upstreams.Count);
            Assert.Equal(["ks-sfo1"], harness.Directory.Candidates(["fra1", "sfo1"]).Select(k => k.KeyserverId));
            Assert.Equal(1, fra.ReceivedCount);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits (bounded) until the refresher has scheduled its next run on the manual clock.</summary>
    private static async Task WhenTimerScheduledAsync(ManualClock clock)
    {
        using var guard = new CancellationTokenSource(ForwardingHarness.HangGuard);
        while (clock.ActiveTimers == 0)
        {
            await Task.Yield();
            guard.Token.ThrowIfCancellationRequested();
        }
    }
}
