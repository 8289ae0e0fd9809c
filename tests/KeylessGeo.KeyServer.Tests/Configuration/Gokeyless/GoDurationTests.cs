using KeylessGeo.KeyServer.Configuration.Gokeyless;

namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>gokeyless's sign_timeout is a Go duration.</summary>
public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("250000us", 250)]
    [InlineData("250000µs", 250)]
    [InlineData("3000000ns", 3)]
    public void GoDurations_AreRead(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.TryParse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("1x")]
    [InlineData("1 s")]
    [InlineData("1..5s")]
    [InlineData("00:00:02")]
    public void OtherText_IsNotADuration(string text)
    {
        Assert.Null(GoDuration.TryParse(text));
    }
}
