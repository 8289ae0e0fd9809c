using KeylessGeo.Rpc.Framing;

namespace KeylessGeo.Rpc.Tests.Framing;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("ü", "%C3%BC")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("✓", "%E2%9C%93")]
    public void Encode_EscapesPercentAndNonPrintable(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Encode(value));
    }

    [Theory]
    [InlineData("Schlüssel 100% ungültig ✓")]
    [InlineData("%%%")]
    [InlineData("emoji 🔑 and tab\t")]
    [InlineData("")]
    public void EncodeThenDecode_RoundTrips(string value)
    {
        var encoded = PercentEncoding.Encode(value);
        Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal(value, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("50%", "50%")]
    [InlineData("%zz", "%zz")]
    [InlineData("%4", "%4")]
    [InlineData("%41%42", "AB")]
    [InlineData("%c3%bc", "ü")]
    public void Decode_ToleratesInvalidEscapes(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(value));
    }
}
