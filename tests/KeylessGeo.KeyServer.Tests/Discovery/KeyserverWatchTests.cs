using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Discovery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Discovery;

/// <summary>
/// The shared refresh behind <c>WatchKeyservers</c>, driven by hand: what each stream is sent,
/// when, with which version, and that streams never wait on one another.
/// </summary>
public sealed class KeyserverWatchTests
{
    private readonly FakeKeyserverSource _source = new();
    private readonly KeyserverWatch _watch;

    public KeyserverWatchTests()
    {
        _source.Set(
            FakeKeyserverSource.Keyserver("ks-fra1-b", "fra1"),
            FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1"),
            FakeKeyserverSource.Keyserver("ks-ams1", "ams1"));
        _watch = new KeyserverWatch(
            _source, Options.Create(new KeyServerOptions { Id = "ks-fra1-a", Datacenter = "fra1" }), NullLogger<KeyserverWatch>.Instance);
    }

    [Fact]
    public async Task Watch_SendsTheFullListOfItsOwnDatacenterAtOnce_AsVersionOne()
    {
        await using var stream = new WatchStream(_watch);

        var list = await stream.NextAsync();

        Assert.Equal(1ul, list.Version);
        Assert.Equal(new[] { "ks-fra1-a", "ks-fra1-b" }, list.Keyservers.Select(k => k.KeyserverId));
        Assert.Equal(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1"), list.Keyservers[0]);
        Assert.Equal("ks-fra1-a", list.ServedBy.KeyserverId);
        Assert.Equal("fra1", list.ServedBy.Datacenter);
    }

    [Fact]
    public async Task Watch_OfAnotherDatacenter_ListsOnlyThatDatacenter()
    {
        await using var stream = new WatchStream(_watch, "ams1");

        var list = await stream.NextAsync();

        Assert.Equal(new[] { "ks-ams1" }, list.Keyservers.Select(k => k.KeyserverId));
    }

    [Fact]
    public async Task Watch_OfADatacenterWithoutKeyservers_SendsAnEmptyList()
    {
        await using var stream = new WatchStream(_watch, "sfo1");

        Assert.Empty((await stream.NextAsync()).Keyservers);
    }

    [Fact]
    public async Task Refresh_WhenNothingChanged_SendsNothing_AndTheNextChangeIsVersionTwo()
    {
        await using var stream = new WatchStream(_watch);
        await stream.NextAsync();

        _watch.Refresh(resend: false);
        _watch.Refresh(resend: false);
        Assert.False(stream.HasArrived);
        _source.Set(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1"), FakeKeyserverSource.Keyserver("ks-fra1-b", "fra1", serving: false));
        _watch.Refresh(resend: false);
        var list = await stream.NextAsync();

        Assert.Equal(2ul, list.Version);
        Assert.False(list.Keyservers.Single(k => k.KeyserverId == "ks-fra1-b").Serving);
    }

    [Fact]
    public async Task Refresh_WhenOnlyAnotherDatacenterChanged_SendsThisStreamNothing()
    {
        await using var fra = new WatchStream(_watch);
        await using var ams = new WatchStream(_watch, "ams1");
        await fra.NextAsync();
        await ams.NextAsync();

        _source.Set(
            FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1"),
            FakeKeyserverSource.Keyserver("ks-fra1-b", "fra1"),
            FakeKeyserverSource.Keyserver("ks-ams1", "ams1", ecdsaPerSecond: 3000));
        _watch.Refresh(resend: false);

        Assert.Equal(3000, (await ams.NextAsync()).Keyservers.Single().Algorithms.Single().OperationsPerSecond);
        Assert.False(fra.HasArrived);
    }

    [Fact]
    public async Task Refresh_WithResend_SendsTheSameListAgain_WithTheNextVersion()
    {
        await using var stream = new WatchStream(_watch);
        var first = await stream.NextAsync();

        _watch.Refresh(resend: true);
        var again = await stream.NextAsync();

        Assert.Equal(2ul, again.Version);
        Assert.Equal(first.Keyservers, again.Keyservers);
    }

    [Fact]
    public async Task Refresh_WhenAKeyserverJoinsOrLeaves_SendsTheNewFullList()
    {
        await using var stream = new WatchStream(_watch);
        await stream.NextAsync();

        _source.Set(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1"), FakeKeyserverSource.Keyserver("ks-fra1-c", "fra1"));
        _watch.Refresh(resend: false);

        Assert.Equal(new[] { "ks-fra1-a", "ks-fra1-c" }, (await stream.NextAsync()).Keyservers.Select(k => k.KeyserverId));
    }

    [Fact]
    public async Task ManyStreams_ShareOneReadPerRefresh()
    {
        var streams = Enumerable.Range(0, 100).Select(_ => new WatchStream(_watch)).ToList();
        try
        {
            foreach (var stream in streams)
            {
                await stream.NextAsync();
            }

            var reads = _source.Reads;
            _watch.Refresh(resend: true);

            Assert.Equal(reads + 1, _source.Reads);
            foreach (var stream in streams)
            {
                Assert.Equal(2ul, (await stream.NextAsync()).Version);
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SlowStream_DoesNotHoldUpAFastOne_AndGetsOnlyTheLatestList()
    {
        await using var slow = new WatchStream(_watch);
        await using var fast = new WatchStream(_watch);
        await slow.NextAsync();
        await fast.NextAsync();

        for (var i = 1; i <= 50; i++)
        {
            _source.Set(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1", ecdsaPerSecond: 1000 + i));
            _watch.Refresh(resend: false);
            var list = await fast.NextAsync();
            Assert.Equal((ulong)i + 1, list.Version);
            Assert.Equal(1000 + i, list.Keyservers.Single().Algorithms.Single().OperationsPerSecond);
        }

        var latest = await slow.NextAsync();
        Assert.Equal(2ul, latest.Version);
        Assert.Equal(1050, latest.Keyservers.Single().Algorithms.Single().OperationsPerSecond);
        Assert.False(slow.HasArrived);
    }

    [Fact]
    public async Task Cancelling_EndsTheStreamWithoutAnError_AndForgetsIt()
    {
        await using var stream = new WatchStream(_watch);
        await stream.NextAsync();
        Assert.Equal(1, _watch.Watchers);

        Assert.True(await stream.CancelAsync());
        Assert.Equal(0, _watch.Watchers);
    }

    [Fact]
    public async Task Stop_SendsEveryStreamALastList_ThenEndsIt_AndRefusesNewOnes()
    {
        await using var stream = new WatchStream(_watch);
        await stream.NextAsync();

        _source.Set(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1", serving: false), FakeKeyserverSource.Keyserver("ks-fra1-b", "fra1"));
        _watch.Stop();

        var last = await stream.NextAsync();
        Assert.False(last.Keyservers.Single(k => k.KeyserverId == "ks-fra1-a").Serving);
        await stream.EndAsync();
        await using var late = new WatchStream(_watch);
        var refused = await Assert.ThrowsAsync<RpcException>(late.NextAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
    }

    [Fact]
    public async Task AFailingRead_KeepsTheLastList_AndTheStreamsOpen()
    {
        await using var stream = new WatchStream(_watch);
        var first = await stream.NextAsync();

        _source.Fail = true;
        _watch.Refresh(resend: false);
        _watch.Refresh(resend: true);
        var resent = await stream.NextAsync();
        _source.Fail = false;
        _source.Set(FakeKeyserverSource.Keyserver("ks-fra1-a", "fra1"));
        _watch.Refresh(resend: false);

        Assert.Equal(first.Keyservers, resent.Keyservers);
        Assert.Equal(new[] { "ks-fra1-a" }, (await stream.NextAsync()).Keyservers.Select(k => k.KeyserverId));
    }

    [Fact]
    public async Task Watch_BeforeAnyReadSucceeded_IsUnavailable_AndWorksOnceReadsDo()
    {
        _source.Fail = true;
        await using var refused = new WatchStream(_watch);
        var error = await Assert.ThrowsAsync<RpcException>(refused.NextAsync);
        _source.Fail = false;
        await using var accepted = new WatchStream(_watch);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(2, (await accepted.NextAsync()).Keyservers.Count);
    }

    [Fact]
    public async Task Watch_OfAnUnknownDatacenter_IsNotFound()
    {
        await using var stream = new WatchStream(_watch, "nowhere1");

        var refused = await Assert.ThrowsAsync<RpcException>(stream.NextAsync);

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Contains("'nowhere1'", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FRA1")]
    [InlineData("fra1; drop")]
    [InlineData("a-datacenter-id-far-longer-than-thirty-two-characters")]
    public async Task Watch_OfSomethingThatIsNotADatacenterId_IsInvalidArgument(string datacenter)
    {
        await using var stream = new WatchStream(_watch, datacenter);

        var refused = await Assert.ThrowsAsync<RpcException>(stream.NextAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("WatchKeyserversRequest.datacenter", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _watch.Watchers);
    }
}
