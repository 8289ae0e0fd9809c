using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Discovery;
using KeylessGeo.KeyServer.Tests.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Discovery;

/// <summary>
/// The refresh loop on a test clock: a list again every refresh interval, a changed list as soon
/// as the source signals, nothing for a signal that changed nothing, and an end when the
/// keyserver stops.
/// </summary>
public sealed class KeyserverWatchServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly FakeKeyserverSource _source = new();
    private readonly TestClock _clock = new();
    private readonly TestLifetime _lifetime = new();
    private readonly KeyserverWatch _watch;
    private readonly KeyserverWatchService _service;

    public KeyserverWatchServiceTests()
    {
        _source.Set(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1"), FakeKeyserverSource.Keyserver("ks-fra1-b", "fra1"));
        _watch = new KeyserverWatch(
            _source, Options.Create(new KeyServerOptions { Id = "ks-fra1-a", Datacenter = "fra1" }), NullLogger<KeyserverWatch>.Instance);
        _service = new KeyserverWatchService(
            _watch, _source, Options.Create(new DiscoveryOptions { RefreshInterval = Interval }), _clock, NullLogger<KeyserverWatchService>.Instance, _lifetime);
    }

    public async Task InitializeAsync()
    {
        await _service.StartAsync(CancellationToken.None);
        await _source.Watching.WaitAsync(ClusterHarness.HangGuard);
        await _clock.WhenTimerDueWithinAsync(Interval, ClusterHarness.Guard());
    }

    public async Task DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
        _lifetime.Dispose();
    }

    [Fact]
    public async Task EveryRefreshInterval_EveryStreamGetsItsListAgain()
    {
        await using var stream = new WatchStream(_watch);
        var first = await stream.NextAsync();

        _clock.Advance(Interval);
        var second = await stream.NextAsync();
        _clock.Advance(Interval);
        var third = await stream.NextAsync();

        Assert.Equal(new[] { 1ul, 2ul, 3ul }, new[] { first.Version, second.Version, third.Version });
        Assert.Equal(first.Keyservers, third.Keyservers);
    }

    [Fact]
    public async Task ASignalledChange_IsSentAtOnce_AndASignalThatChangedNothingIsNot()
    {
        await using var stream = new WatchStream(_watch);
        await stream.NextAsync();

        _source.Signal();
        _source.Set(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1"));
        _source.Signal();
        var changed = await stream.NextAsync();
        _source.Signal();
        _clock.Advance(Interval);
        var resent = await stream.NextAsync();

        // No clock movement before the change arrived: it did not wait for the interval.
        Assert.Equal(new[] { "ks-fra1-a" }, changed.Keyservers.Select(k => k.KeyserverId));
        Assert.Equal(2ul, changed.Version);

        // The unchanged signals in between sent nothing: the periodic list is the very next version.
        Assert.Equal(3ul, resent.Version);
        Assert.Equal(changed.Keyservers, resent.Keyservers);
    }

    [Fact]
    public async Task WhenTheKeyserverBeginsToStop_EveryStreamGetsALastListAndEnds()
    {
        await using var fra = new WatchStream(_watch);
        await using var ams = new WatchStream(_watch, "ams1");
        await fra.NextAsync();
        await ams.NextAsync();

        _source.Set(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1", serving: false), FakeKeyserverSource.Keyserver("ks-fra1-b", "fra1"));
        _lifetime.StopApplication();

        Assert.False((await fra.NextAsync()).Keyservers.Single(k => k.KeyserverId == "ks-fra1-a").Serving);
        await fra.EndAsync();
        await ams.EndAsync();
        Assert.Equal(0, _watch.Watchers);
    }
}
