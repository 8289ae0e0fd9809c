using System.Buffers;
using KeylessGeo.Keyless.Codec;

namespace KeylessGeo.Keyless.Tests.Codec;

public sealed class KeylessFrameReaderTests
{
    [Fact]
    public void TryReadFrame_WhenWholeMessage_ReturnsFrameAndConsumesIt()
    {
        var buffer = new ReadOnlySequence<byte>(Vectors.EcdsaSign);

        var status = KeylessFrameReader.TryReadFrame(ref buffer, 1024, out var frame);

        Assert.Equal(KeylessFrameStatus.Frame, status);
        Assert.Equal(0x01020304u, frame.Id);
        Assert.Equal(1, frame.MajorVersion);
        Assert.Equal(0, frame.MinorVersion);
        Assert.Equal(0x66, frame.BodyLength);
        Assert.Equal(Vectors.EcdsaSign[8..], frame.Body.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryReadFrame_WhenTwoMessagesBackToBack_ReadsThemInOrder()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Concat(Vectors.EcdsaSign, Vectors.PingWithUnknownTags, [0x01]));

        Assert.Equal(KeylessFrameStatus.Frame, KeylessFrameReader.TryReadFrame(ref buffer, 1024, out var first));
        Assert.Equal(KeylessFrameStatus.Frame, KeylessFrameReader.TryReadFrame(ref buffer, 1024, out var second));
        Assert.Equal(KeylessFrameStatus.Incomplete, KeylessFrameReader.TryReadFrame(ref buffer, 1024, out _));

        Assert.Equal(0x01020304u, first.Id);
        Assert.Equal(0xFFFFFFFEu, second.Id);
        Assert.Equal(1, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_WhenHeaderOrBodyIncomplete_ReturnsIncompleteAndConsumesNothing()
    {
        var bytes = Vectors.EcdsaSign;
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var original = new ReadOnlySequence<byte>(bytes, 0, cut);
            var buffer = original;

            Assert.Equal(KeylessFrameStatus.Incomplete, KeylessFrameReader.TryReadFrame(ref buffer, 1024, out var frame));
            Assert.Equal(original, buffer);
            Assert.Equal(default, frame);
        }
    }

    [Fact]
    public void TryReadFrame_WhenMajorVersionIsTwo_ReturnsUnsupportedVersionWithTheId()
    {
        var original = new ReadOnlySequence<byte>(Wire.Hex("02 00 00 04 0A 0B 0C 0D"));
        var buffer = original;

        var status = KeylessFrameReader.TryReadFrame(ref buffer, 1024, out var frame);

        Assert.Equal(KeylessFrameStatus.UnsupportedVersion, status);
        Assert.Equal(0x0A0B0C0Du, frame.Id);
        Assert.Equal(2, frame.MajorVersion);
        Assert.Equal(original, buffer);
    }

    [Fact]
    public void TryReadFrame_WhenVersionAndLengthAreBothBad_ReportsTheVersion()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Hex("00 01 FF FF 00 00 00 09"));

        Assert.Equal(KeylessFrameStatus.UnsupportedVersion, KeylessFrameReader.TryReadFrame(ref buffer, 1024, out var frame));
        Assert.Equal(9u, frame.Id);
    }

    [Fact]
    public void TryReadFrame_WhenMinorVersionIsNotZero_AcceptsTheMessage()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Hex("01 07 00 04 00 00 00 01 | 11 0001 F1"));

        Assert.Equal(KeylessFrameStatus.Frame, KeylessFrameReader.TryReadFrame(ref buffer, 1024, out var frame));
        Assert.Equal(7, frame.MinorVersion);
    }

    [Fact]
    public void TryReadFrame_WhenBodyLongerThanLimit_ReturnsBodyTooLongBeforeTheBodyArrives()
    {
        var original = new ReadOnlySequence<byte>(Wire.Hex("01 00 04 01 00 00 01 00"));
        var buffer = original;

        var status = KeylessFrameReader.TryReadFrame(ref buffer, 1024, out var frame);

        Assert.Equal(KeylessFrameStatus.BodyTooLong, status);
        Assert.Equal(0x100u, frame.Id);
        Assert.Equal(1025, frame.BodyLength);
        Assert.Equal(original, buffer);
    }

    [Fact]
    public void TryReadFrame_WhenBodyEqualsLimit_ReturnsFrame()
    {
        var bytes = Wire.Concat(Wire.Hex("01 00 00 05 00 00 00 01 | 7E 0002"), [0xAA, 0xBB]);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(KeylessFrameStatus.Frame, KeylessFrameReader.TryReadFrame(ref buffer, 5, out var frame));
        Assert.Equal(5, frame.Body.Length);
    }

    [Fact]
    public void TryReadFrame_WhenBodyIsEmpty_ReturnsAnEmptyFrame()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Hex("01 00 00 00 00 00 00 2A"));

        Assert.Equal(KeylessFrameStatus.Frame, KeylessFrameReader.TryReadFrame(ref buffer, 0, out var frame));
        Assert.Equal(42u, frame.Id);
        Assert.True(frame.Body.IsEmpty);
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void TryReadFrame_WhenLimitOutOfRange_Throws(int maxBodyLength)
    {
        var buffer = new ReadOnlySequence<byte>(Vectors.EcdsaSign);

        Assert.Throws<ArgumentOutOfRangeException>(() => KeylessFrameReader.TryReadFrame(ref buffer, maxBodyLength, out _));
    }

    [Fact]
    public void TryReadFrame_WithOptions_UsesTheirLimit()
    {
        var buffer = new ReadOnlySequence<byte>(Vectors.RsaSignPadded);

        Assert.Equal(KeylessFrameStatus.BodyTooLong, KeylessFrameReader.TryReadFrame(ref buffer, new KeylessCodecOptions { MaxBodyLength = 100 }, out _));
        Assert.Equal(KeylessFrameStatus.Frame, KeylessFrameReader.TryReadFrame(ref buffer, new KeylessCodecOptions(), out _));
    }

    [Fact]
    public void Validate_WhenMaxBodyLengthOutOfRange_NamesTheFieldAndValue()
    {
        Assert.Empty(new KeylessCodecOptions().Validate());
        var error = Assert.Single(new KeylessCodecOptions { MaxBodyLength = 70000 }.Validate());
        Assert.Contains("MaxBodyLength", error, StringComparison.Ordinal);
        Assert.Contains("70000", error, StringComparison.Ordinal);
    }
}
