using KeylessGeo.Keyless.Client;

namespace KeylessGeo.Keyless.Tests.Client;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(6, 3200)]
    [InlineData(7, 5000)]
    [InlineData(1000, 5000)]
    public void Delay_DoublesPerFailureUpToTheMaximum(int failures, int ceilingMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs / 2.0), ReconnectBackoff.Delay(failures, Initial, Max, 0.0));
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs * 0.75), ReconnectBackoff.Delay(failures, Initial, Max, 0.5));
        Assert.True(ReconnectBackoff.Delay(failures, Initial, Max, 0.999999) < TimeSpan.FromMilliseconds(ceilingMs));
    }

    [Fact]
    public void Delay_RejectsZeroFailures()
        => Assert.Throws<ArgumentOutOfRangeException>(() => ReconnectBackoff.Delay(0, Initial, Max, 0.5));
}
