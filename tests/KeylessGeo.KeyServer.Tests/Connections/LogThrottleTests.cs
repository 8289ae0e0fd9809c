using KeylessGeo.Testing;
using KeylessGeo.Serving.Connections;

using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Connections;

public sealed class LogThrottleTests
{
    [Fact]
    public void TryEnter_LetsOneMessageThroughPerInterval_AndCountsTheOthers()
    {
        var clock = new ManualClock();
        var throttle = new LogThrottle(clock, TimeSpan.FromSeconds(10));

        Assert.True(throttle.TryEnter(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 5; i++)
        {
            Assert.False(throttle.TryEnter(out _));
        }

        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(throttle.TryEnter(out _));
        clock.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(throttle.TryEnter(out var held));
        Assert.Equal(6, held);
        Assert.False(throttle.TryEnter(out _));
    }
}
