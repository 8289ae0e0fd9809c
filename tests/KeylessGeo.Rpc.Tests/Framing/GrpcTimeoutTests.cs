using KeylessGeo.Rpc.Framing;

namespace KeylessGeo.Rpc.Tests.Framing;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("1n", 1L)]
    [InlineData("0m", 0L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void TryParse_WhenValid_ReturnsTimeout(string value, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("1s")]
    [InlineData("1h")]
    [InlineData("-1S")]
    [InlineData("1.5S")]
    [InlineData(" 1S")]
    [InlineData("1 S")]
    [InlineData("1SS")]
    public void TryParse_WhenInvalid_ReturnsFalse(string? value)
    {
        Assert.False(GrpcTimeout.TryParse(value, out _));
    }

    [Fact]
    public void TryParse_LargestValue_IsExact()
    {
        Assert.True(GrpcTimeout.TryParse("99999999H", out var timeout));
        Assert.Equal(99_999_999L * TimeSpan.TicksPerHour, timeout.Ticks);
    }

    [Theory]
    [InlineData(0L, "0n")]
    [InlineData(1L, "100n")]
    [InlineData(10_000L, "1000000n")]
    [InlineData(50_000_000L, "5000000u")]
    [InlineData(36_000_000_000L, "3600000m")]
    public void Format_UsesFinestUnitThatFits(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(123_456_789L)]
    [InlineData(9_999_999_999_999L)]
    public void Format_RoundTripsThroughParse_WithoutShortening(long ticks)
    {
        var formatted = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));
        Assert.InRange(formatted.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(formatted, out var parsed));
        Assert.True(parsed.Ticks >= ticks, $"{formatted} parsed to {parsed.Ticks} ticks, less than {ticks}");
    }

    [Fact]
    public void Format_WhenNegative_IsZero()
    {
        Assert.Equal("0n", GrpcTimeout.Format(TimeSpan.FromSeconds(-1)));
    }
}
