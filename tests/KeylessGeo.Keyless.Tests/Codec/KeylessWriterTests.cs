using System.Buffers;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Tests.Codec;

public sealed class KeylessWriterTests
{
    [Fact]
    public void WriteResponse_WritesOpcodeThenPayload()
    {
        var writer = new ArrayBufferWriter<byte>();

        var written = KeylessWriter.WriteResponse(writer, 0xDEADBEEF, [1, 2, 3]);

        Assert.Equal(Wire.Hex("01 00 000A DEADBEEF | 11 0001 F0 | 12 0003 010203"), writer.WrittenSpan.ToArray());
        Assert.Equal(18, written);
    }

    [Fact]
    public void WriteError_WritesOpcodeFFWithTheCode()
    {
        var writer = new ArrayBufferWriter<byte>();

        KeylessWriter.WriteError(writer, 5, KeylessError.KeyNotFound);

        Assert.Equal(Wire.Hex("01 00 0008 00000005 | 11 0001 FF | 12 0001 02"), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WritePong_EchoesThePayloadWithOpcodeF2()
    {
        var writer = new ArrayBufferWriter<byte>();

        var written = KeylessWriter.WritePong(writer, 9, "ping"u8);

        // KEYLESS-PROTOCOL.md: a ping is answered with opcode 0xF2 (pong), the payload echoed.
        Assert.Equal(Wire.Hex("01 00 000B 00000009 | 11 0001 F2 | 12 0004 70696E67"), writer.WrittenSpan.ToArray());
        Assert.Equal(19, written);
    }

    [Fact]
    public void WritePong_WhenPayloadIsEmpty_StillCarriesAnEmptyPayloadItem()
    {
        var writer = new ArrayBufferWriter<byte>();

        KeylessWriter.WritePong(writer, 0xFFFFFFFF, []);

        Assert.Equal(Wire.Hex("01 00 0007 FFFFFFFF | 11 0001 F2 | 12 0000"), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteResponse_WhenPadded_PadsTo1024Bytes()
    {
        var writer = new ArrayBufferWriter<byte>();

        KeylessWriter.WriteResponse(writer, 1, [0xAB], pad: true);

        // 8 + 4 + 4 + 3 + 1005 = 1024.
        var expected = Wire.Concat(Wire.Hex("01 00 03F8 00000001 | 11 0001 F0 | 12 0001 AB | 20 03ED"), Wire.Repeat(0, 0x3ED));
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteRequest_WhenUnpadded_WritesOpcodeAndPayloadOnly()
    {
        var writer = new ArrayBufferWriter<byte>();
        var request = new KeylessRequest { Opcode = KeylessOpcode.RsaSignSha256, Payload = [0xDE, 0xAD, 0xBE, 0xEF] };

        KeylessWriter.WriteRequest(writer, 7, request, pad: false);

        Assert.Equal(Wire.Hex("01 00 000B 00000007 | 11 0001 05 | 12 0004 DEADBEEF"), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteRequest_ByDefault_PadsTo1024Bytes()
    {
        var writer = new ArrayBufferWriter<byte>();
        var request = new KeylessRequest { Opcode = KeylessOpcode.RsaSignSha256, Payload = [0xDE, 0xAD, 0xBE, 0xEF] };

        var written = KeylessWriter.WriteRequest(writer, 7, request);

        // 8 + 4 + 7 + 3 + 1002 = 1024.
        var expected = Wire.Concat(Wire.Hex("01 00 03F8 00000007 | 11 0001 05 | 12 0004 DEADBEEF | 20 03EA"), Wire.Repeat(0, 0x3EA));
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
        Assert.Equal(1024, written);
    }

    [Fact]
    public void WriteRequest_WithEveryItem_WritesThemInTheDocumentedOrder()
    {
        var writer = new ArrayBufferWriter<byte>();
        var request = new KeylessRequest
        {
            Opcode = KeylessOpcode.CustomFunction,
            Payload = [1, 2],
            Ski = Convert.FromHexString(Vectors.Ski),
            CertificateDigest = Convert.FromHexString(Vectors.Digest),
            ServerName = "a.b"u8,
            ClientIp = [127, 0, 0, 1],
            ServerIp = [127, 0, 0, 2],
            CertificateId = "ID"u8,
            CustomFunctionName = "func"u8,
            SupplementalPayload = "SUP"u8,
            SpanContext = "SPN1"u8,
        };

        KeylessWriter.WriteRequest(writer, 0x10, request, pad: false);

        Assert.Equal(Vectors.CustomFunctionAllItems, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteRequest_WhenPadded_ParsesBackToTheSameItems()
    {
        var writer = new ArrayBufferWriter<byte>();
        var request = new KeylessRequest
        {
            Opcode = KeylessOpcode.EcdsaSignSha256,
            Payload = Convert.FromHexString(Vectors.Sha256Payload),
            Ski = Convert.FromHexString(Vectors.Ski),
            ServerName = "example.com"u8,
            ClientIp = [192, 0, 2, 1],
            ServerIp = Wire.Hex("20010DB8000000000000000000000001"),
        };

        KeylessWriter.WriteRequest(writer, 0x01020304, request);

        // The hand-written vector, with a padding item appended: 8 + 102 + 3 + 911 = 1024.
        var expected = Wire.Concat(Wire.Hex("01 00 03F8"), Vectors.EcdsaSign[4..], Wire.Hex("20 038F"), Wire.Repeat(0, 0x38F));
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(1006, 1024, 0)] // 8 + 4 + 3 + 1006 = 1021: a 3-byte empty padding item reaches 1024
    [InlineData(1007, 1025, 0)]
    [InlineData(1008, 1026, 0)]
    [InlineData(1009, 1024, -1)]
    [InlineData(1010, 1025, -1)]
    public void WriteRequest_NearThePaddingBoundary_IsAtLeast1024Bytes(int payloadLength, int expectedTotal, int expectedPadding)
    {
        var writer = new ArrayBufferWriter<byte>();
        var request = new KeylessRequest { Opcode = KeylessOpcode.RsaDecrypt, Payload = new byte[payloadLength] };

        var written = KeylessWriter.WriteRequest(writer, 1, request);

        Assert.Equal(expectedTotal, written);
        var bytes = writer.WrittenSpan.ToArray();
        if (expectedPadding < 0)
        {
            Assert.Equal(0x12, bytes[^(payloadLength + 3)]);
        }
        else
        {
            Assert.Equal(Wire.Hex("20 0000"), bytes[^3..]);
        }
    }

    [Fact]
    public void WriteRequest_WhenItemTooLong_ThrowsNamingTheItem()
    {
        var writer = new ArrayBufferWriter<byte>();
        var sni = new byte[65536];

        var error = Assert.Throws<ArgumentException>(() => KeylessWriter.WriteRequest(writer, 1, new KeylessRequest { ServerName = sni }));

        Assert.Contains("server name item is 65536 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public void WriteRequest_WhenBodyTooLong_ThrowsWithTheLength()
    {
        var writer = new ArrayBufferWriter<byte>();
        var big = new byte[40000];

        var error = Assert.Throws<ArgumentException>(() =>
            KeylessWriter.WriteRequest(writer, 1, new KeylessRequest { Payload = big, ServerName = big }));

        Assert.Contains("body would be 80010 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteResponse_WhenResultTooLong_Throws()
    {
        var writer = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => KeylessWriter.WriteResponse(writer, 1, new byte[65536]));
        Assert.Throws<ArgumentException>(() => KeylessWriter.WriteResponse(writer, 1, new byte[65535]));
    }

    [Theory]
    [InlineData("SKI", 19)]
    [InlineData("certificate digest", 20)]
    [InlineData("client IP", 5)]
    [InlineData("server IP", 15)]
    public void WriteRequest_WhenFixedSizeItemHasWrongLength_Throws(string name, int length)
    {
        var writer = new ArrayBufferWriter<byte>();
        var value = new byte[length];

        var error = Assert.Throws<ArgumentException>(() => KeylessWriter.WriteRequest(writer, 1, name switch
        {
            "SKI" => new KeylessRequest { Ski = value },
            "certificate digest" => new KeylessRequest { CertificateDigest = value },
            "client IP" => new KeylessRequest { ClientIp = value },
            _ => new KeylessRequest { ServerIp = value },
        }));

        Assert.Contains($"The {name} is {length} bytes", error.Message, StringComparison.Ordinal);
    }
}
