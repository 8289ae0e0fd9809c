namespace KeylessGeo.KeyServer.Tests.Forwarding;

public sealed class UpstreamCacheTests
{
    [Fact]
    public async Task Retain_RetiresUpstreamsThatLeft_AndAnUpstreamInUseStaysUsableUntilReleased()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        var cache = harness.Upstreams;
        var kept = cache.Acquire("https://127.0.0.1:7001");
        var leaving = cache.Acquire("https://127.0.0.1:7002");
        kept.Release();

        var retired = cache.Retain(new HashSet<string>(["https://127.0.0.1:7001"]));

        Assert.Equal(1, retired);
        Assert.Equal(1, cache.Count);
        Assert.True(leaving.TryAcquire(), "an upstream with a call in flight stays usable");
        leaving.Release();
        leaving.Release();
        Assert.False(leaving.TryAcquire(), "the last release closes it");

        var again = cache.Acquire("https://127.0.0.1:7002");
        Assert.NotSame(leaving, again);
        Assert.Same(kept, cache.Acquire("https://127.0.0.1:7001"));
    }

    [Fact]
    public async Task Acquire_AfterDispose_Throws()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        harness.Upstreams.Dispose();

        Assert.Throws<ObjectDisposedException>(() => harness.Upstreams.Acquire("https://127.0.0.1:7001"));
    }
}
