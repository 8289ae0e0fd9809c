using System.Buffers;
using System.Text;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Tests.Codec;

public sealed class KeylessItemParserTests
{
    [Fact]
    public void TryParseRequest_WhenUnpadded_ReadsEveryItem()
    {
        var items = ParseRequest(Vectors.EcdsaSign);

        Assert.Equal(KeylessOpcode.EcdsaSignSha256, items.Opcode);
        Assert.Equal(Convert.FromHexString(Vectors.Sha256Payload), items.Payload.ToArray());
        Assert.Equal(Convert.FromHexString(Vectors.Ski), items.Ski.ToArray());
        Assert.Equal("example.com", Encoding.ASCII.GetString(items.ServerName.ToArray()));
        Assert.Equal(new byte[] { 192, 0, 2, 1 }, items.ClientIp.ToArray());
        Assert.Equal(Wire.Hex("20010DB8000000000000000000000001"), items.ServerIp.ToArray());
        Assert.False(items.Has(KeylessItems.CertificateDigest));
        Assert.True(items.CertificateDigest.IsEmpty);
        Assert.Equal(
            KeylessItems.Opcode | KeylessItems.Payload | KeylessItems.Ski | KeylessItems.ServerName | KeylessItems.ClientIp | KeylessItems.ServerIp,
            items.Present);
    }

    [Fact]
    public void TryParseRequest_WhenPadded_SkipsPadding()
    {
        Assert.Equal(1024, Vectors.RsaSignPadded.Length);

        var items = ParseRequest(Vectors.RsaSignPadded);

        Assert.Equal(KeylessOpcode.RsaSignSha256, items.Opcode);
        Assert.Equal(Convert.FromHexString(Vectors.Digest), items.CertificateDigest.ToArray());
        Assert.Equal(Convert.FromHexString(Vectors.Sha256Payload), items.Payload.ToArray());
        Assert.True(items.Has(KeylessItems.Padding));
        Assert.Equal(0, items.UnknownItemCount);
    }

    [Fact]
    public void TryParseRequest_WhenUnknownTagsInterleaved_SkipsThem()
    {
        var items = ParseRequest(Vectors.PingWithUnknownTags);

        Assert.Equal(KeylessOpcode.Ping, items.Opcode);
        Assert.Equal("ping", Encoding.ASCII.GetString(items.Payload.ToArray()));
        Assert.Equal(Wire.Hex("00000000000000000000000000000001"), items.ClientIp.ToArray());
        Assert.Equal(new byte[] { 10, 0, 0, 1 }, items.ServerIp.ToArray());
        Assert.Equal(3, items.UnknownItemCount);
    }

    [Fact]
    public void TryParseRequest_WithEveryOptionalItem_ReadsThemAll()
    {
        var items = ParseRequest(Vectors.CustomFunctionAllItems);

        Assert.Equal(KeylessOpcode.CustomFunction, items.Opcode);
        Assert.Equal(new byte[] { 1, 2 }, items.Payload.ToArray());
        Assert.Equal(Convert.FromHexString(Vectors.Ski), items.Ski.ToArray());
        Assert.Equal(Convert.FromHexString(Vectors.Digest), items.CertificateDigest.ToArray());
        Assert.Equal("a.b"u8.ToArray(), items.ServerName.ToArray());
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, items.ClientIp.ToArray());
        Assert.Equal(new byte[] { 127, 0, 0, 2 }, items.ServerIp.ToArray());
        Assert.Equal("ID"u8.ToArray(), items.CertificateId.ToArray());
        Assert.Equal("func"u8.ToArray(), items.CustomFunctionName.ToArray());
        Assert.Equal("SUP"u8.ToArray(), items.SupplementalPayload.ToArray());
        Assert.Equal("SPN1"u8.ToArray(), items.SpanContext.ToArray());
    }

    [Fact]
    public void TryParseRequest_WhenPaddingRepeats_AcceptsIt()
    {
        var items = ParseRequest(Wire.Hex("01 00 00 0A 00 00 00 01 | 20 0000 | 11 0001 F1 | 20 0000"));

        Assert.Equal(KeylessOpcode.Ping, items.Opcode);
        Assert.False(items.Has(KeylessItems.Payload));
    }

    [Fact]
    public void TryParseRequest_WhenPayloadIsEmpty_MarksItPresent()
    {
        var items = ParseRequest(Wire.Hex("01 00 00 07 00 00 00 01 | 11 0001 F1 | 12 0000"));

        Assert.True(items.Has(KeylessItems.Payload));
        Assert.True(items.Payload.IsEmpty);
    }

    [Theory]
    [InlineData("11 0001 05 | 12 0005 0102", KeylessParseErrorKind.ItemOverrun, 0x12, 4)]
    [InlineData("11 0001 05 | 7E 0010 00", KeylessParseErrorKind.ItemOverrun, 0x7E, 4)]
    [InlineData("11 0001 05 | 12 00", KeylessParseErrorKind.TruncatedItemHeader, 0x12, 4)]
    [InlineData("11 0001 05 | 12", KeylessParseErrorKind.TruncatedItemHeader, 0x12, 4)]
    [InlineData("11 0002 0500", KeylessParseErrorKind.InvalidItemLength, 0x11, 0)]
    [InlineData("11 0000", KeylessParseErrorKind.InvalidItemLength, 0x11, 0)]
    [InlineData("11 0001 05 | 03 0005 0102030405", KeylessParseErrorKind.InvalidItemLength, 0x03, 4)]
    [InlineData("11 0001 05 | 05 0000", KeylessParseErrorKind.InvalidItemLength, 0x05, 4)]
    [InlineData("11 0001 05 | 04 0013 000102030405060708090A0B0C0D0E0F101112", KeylessParseErrorKind.InvalidItemLength, 0x04, 4)]
    [InlineData("01 0001 00 | 11 0001 05", KeylessParseErrorKind.InvalidItemLength, 0x01, 0)]
    [InlineData("11 0001 05 | 02 0001 61 | 02 0001 62", KeylessParseErrorKind.DuplicateItem, 0x02, 8)]
    [InlineData("11 0001 05 | 11 0001 05", KeylessParseErrorKind.DuplicateItem, 0x11, 4)]
    public void TryParseRequest_WhenItemIsMalformed_ReportsFormatError(string items, KeylessParseErrorKind kind, byte tag, int offset)
    {
        var body = Wire.Hex(items);

        Assert.False(KeylessItemParser.TryParseRequest(new ReadOnlySequence<byte>(body), out _, out var error));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(tag, error.Tag);
        Assert.Equal(offset, error.Offset);
        Assert.Equal(KeylessError.FormatError, error.WireError);
        Assert.True(error.IsError);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
    }

    [Theory]
    [InlineData("12 0001 00", KeylessParseErrorKind.MissingOpcode, KeylessError.FormatError)]
    [InlineData("", KeylessParseErrorKind.MissingOpcode, KeylessError.FormatError)]
    [InlineData("11 0001 F0 | 12 0001 00", KeylessParseErrorKind.ResponseOpcode, KeylessError.UnexpectedOpcode)]
    [InlineData("11 0001 FF | 12 0001 00", KeylessParseErrorKind.ResponseOpcode, KeylessError.UnexpectedOpcode)]
    [InlineData("11 0001 99 | 12 0001 00", KeylessParseErrorKind.UnknownOpcode, KeylessError.BadOpcode)]
    [InlineData("11 0001 00", KeylessParseErrorKind.UnknownOpcode, KeylessError.BadOpcode)]
    [InlineData("11 0001 09", KeylessParseErrorKind.UnknownOpcode, KeylessError.BadOpcode)]
    public void TryParseRequest_WhenOpcodeIsWrong_ReportsTheMatchingWireError(string items, KeylessParseErrorKind kind, KeylessError wire)
    {
        Assert.False(KeylessItemParser.TryParseRequest(new ReadOnlySequence<byte>(Wire.Hex(items)), out _, out var error));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(wire, error.WireError);
    }

    [Fact]
    public void TryParseRequest_WhenItemIsMalformed_ExplainsWhy()
    {
        KeylessItemParser.TryParseRequest(new ReadOnlySequence<byte>(Wire.Hex("11 0001 05 | 04 0002 0102")), out _, out var ski);
        KeylessItemParser.TryParseRequest(new ReadOnlySequence<byte>(Wire.Hex("11 0001 05 | 12 0009 01")), out _, out var overrun);
        KeylessItemParser.TryParseRequest(new ReadOnlySequence<byte>(Wire.Hex("11 0001 F0")), out _, out var response);

        Assert.Equal("item 0x04 (SKI) at body offset 4 is 2 bytes; it must be 20", ski.Reason);
        Assert.Equal("item 0x12 (payload) at body offset 4 declares 9 bytes but only 1 remain in the body", overrun.Reason);
        Assert.Equal("opcode 0xF0 is a response opcode and cannot be sent as a request", response.Reason);
        Assert.Equal(ski.Reason, ski.ToString());
    }

    [Fact]
    public void TryParseItems_WhenOpcodeIsAResponse_AcceptsIt()
    {
        Assert.True(KeylessItemParser.TryParseItems(new ReadOnlySequence<byte>(Wire.Hex("11 0001 F0")), out var items, out var error));

        Assert.Equal(KeylessOpcode.Response, items.Opcode);
        Assert.False(error.IsError);
    }

    [Fact]
    public void TryParseResponse_WhenResult_ReturnsThePayload()
    {
        var body = Wire.Hex("11 0001 F0 | 12 0003 010203 | 20 0002 0000");

        Assert.True(KeylessItemParser.TryParseResponse(new ReadOnlySequence<byte>(body), out var response, out _));

        Assert.False(response.IsError);
        Assert.Equal(new byte[] { 1, 2, 3 }, response.Payload.ToArray());
    }

    [Fact]
    public void TryParseResponse_WhenPong_ReturnsTheEcho()
    {
        var body = Wire.Hex("11 0001 F2 | 12 0004 70696E67");

        Assert.True(KeylessItemParser.TryParseResponse(Wire.Bytewise(body), out var response, out _));

        Assert.Equal(KeylessOpcode.Pong, response.Opcode);
        Assert.False(response.IsError);
        Assert.Equal("ping"u8.ToArray(), response.Payload.ToArray());
    }

    [Fact]
    public void TryParseRequest_WhenOpcodeIsPong_IsAnUnexpectedOpcode()
    {
        Assert.False(KeylessItemParser.TryParseRequest(new ReadOnlySequence<byte>(Wire.Hex("11 0001 F2 | 12 0001 01")), out _, out var error));

        Assert.Equal(KeylessParseErrorKind.ResponseOpcode, error.Kind);
        Assert.Equal(KeylessError.UnexpectedOpcode, error.WireError);
        Assert.Equal("opcode 0xF2 is a response opcode and cannot be sent as a request", error.Reason);
    }

    [Fact]
    public void TryParseResponse_WhenError_ReturnsTheCode()
    {
        var body = Wire.Hex("11 0001 FF | 12 0001 02");

        Assert.True(KeylessItemParser.TryParseResponse(Wire.Bytewise(body), out var response, out _));

        Assert.True(response.IsError);
        Assert.Equal(KeylessError.KeyNotFound, response.Error);
    }

    [Theory]
    [InlineData("11 0001 05 | 12 0001 02", KeylessParseErrorKind.NotAResponse)]
    [InlineData("11 0001 F1 | 12 0001 02", KeylessParseErrorKind.NotAResponse)]
    [InlineData("11 0001 FF | 12 0002 0202", KeylessParseErrorKind.InvalidErrorPayload)]
    [InlineData("11 0001 FF", KeylessParseErrorKind.InvalidErrorPayload)]
    [InlineData("12 0001 02", KeylessParseErrorKind.MissingOpcode)]
    [InlineData("11 0001 F0 | 12 0004 02", KeylessParseErrorKind.ItemOverrun)]
    public void TryParseResponse_WhenMalformed_ReportsWhy(string items, KeylessParseErrorKind kind)
    {
        Assert.False(KeylessItemParser.TryParseResponse(new ReadOnlySequence<byte>(Wire.Hex(items)), out _, out var error));

        Assert.Equal(kind, error.Kind);
    }

    private static KeylessRequestItems ParseRequest(byte[] message)
    {
        var buffer = new ReadOnlySequence<byte>(message);
        Assert.Equal(KeylessFrameStatus.Frame, KeylessFrameReader.TryReadFrame(ref buffer, KeylessHeader.MaxBodyLength, out var frame));
        Assert.True(buffer.IsEmpty);
        Assert.True(KeylessItemParser.TryParseRequest(frame.Body, out var items, out var error), error.Reason);
        return items;
    }
}
