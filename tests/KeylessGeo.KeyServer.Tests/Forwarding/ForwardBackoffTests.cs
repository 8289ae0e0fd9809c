using KeylessGeo.KeyServer.Forwarding;

namespace KeylessGeo.KeyServer.Tests.Forwarding;

public sealed class ForwardBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Max = TimeSpan.FromMilliseconds(200);

    [Theory]
    [InlineData(0, 10, 20)]
    [InlineData(1, 20, 40)]
    [InlineData(2, 40, 80)]
    [InlineData(3, 80, 160)]
    [InlineData(4, 100, 200)]
    [InlineData(30, 100, 200)]
    public void Delay_DoublesPerRetry_UpToTheMax_WithHalfOfItJittered(int retry, int lowestMs, int highestMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(lowestMs), ForwardBackoff.Delay(retry, Base, Max, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(highestMs), ForwardBackoff.Delay(retry, Base, Max, 1));
        Assert.Equal(TimeSpan.FromMilliseconds((lowestMs + highestMs) / 2.0), ForwardBackoff.Delay(retry, Base, Max, 0.5));
    }

    [Fact]
    public void Delay_WithNoBase_IsZero()
    {
        Assert.Equal(TimeSpan.Zero, ForwardBackoff.Delay(3, TimeSpan.Zero, TimeSpan.Zero, 0.7));
    }
}
