using System.Buffers;
using KeylessGeo.Keyless.Codec;

namespace KeylessGeo.Keyless.Tests.Codec;

public sealed class SegmentationTests
{
    public static TheoryData<string> VectorNames => new() { nameof(Vectors.EcdsaSign), nameof(Vectors.RsaSignPadded), nameof(Vectors.PingWithUnknownTags), nameof(Vectors.CustomFunctionAllItems) };

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Parse_WhenSplitAtEveryOffset_ReadsTheSameItems(string name)
    {
        var bytes = Vector(name);
        var expected = Describe(new ReadOnlySequence<byte>(bytes));

        for (var cut = 1; cut < bytes.Length; cut++)
        {
            Assert.Equal(expected, Describe(Wire.Split(bytes, cut)));
        }

        Assert.Equal(expected, Describe(Wire.Bytewise(bytes)));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Parse_WhenSplitAtEveryPairOfOffsets_ReadsTheSameItems(string name)
    {
        var bytes = Vector(name);
        var expected = Describe(new ReadOnlySequence<byte>(bytes));

        // Every pair for the small vectors; a stride for the 1024-byte one keeps this quick.
        var stride = bytes.Length > 200 ? 7 : 1;
        for (var a = 1; a < bytes.Length; a += stride)
        {
            for (var b = a + 1; b < bytes.Length; b += stride)
            {
                Assert.Equal(expected, Describe(Wire.Split(bytes, a, b)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void TryReadFrame_WhenSplitAndTruncated_IsIncompleteUntilTheLastByte(string name)
    {
        var bytes = Vector(name);
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = Wire.Split(bytes[..length], length / 2, length / 3);
            var before = buffer.Length;

            Assert.Equal(KeylessFrameStatus.Incomplete, KeylessFrameReader.TryReadFrame(ref buffer, 4096, out _));
            Assert.Equal(before, buffer.Length);
        }
    }

    private static byte[] Vector(string name) => name switch
    {
        nameof(Vectors.EcdsaSign) => Vectors.EcdsaSign,
        nameof(Vectors.RsaSignPadded) => Vectors.RsaSignPadded,
        nameof(Vectors.PingWithUnknownTags) => Vectors.PingWithUnknownTags,
        _ => Vectors.CustomFunctionAllItems,
    };

    private static string Describe(ReadOnlySequence<byte> buffer)
    {
        Assert.Equal(KeylessFrameStatus.Frame, KeylessFrameReader.TryReadFrame(ref buffer, 4096, out var frame));
        Assert.True(buffer.IsEmpty);
        Assert.True(KeylessItemParser.TryParseRequest(frame.Body, out var items, out var error), error.Reason);
        return string.Join(
            "|",
            frame.Id,
            items.Present,
            items.Opcode,
            items.UnknownItemCount,
            Hex(items.Payload),
            Hex(items.Ski),
            Hex(items.CertificateDigest),
            Hex(items.ServerName),
            Hex(items.ClientIp),
            Hex(items.ServerIp),
            Hex(items.CertificateId),
            Hex(items.CustomFunctionName),
            Hex(items.SupplementalPayload),
            Hex(items.SpanContext));
    }

    private static string Hex(ReadOnlySequence<byte> value) => Convert.ToHexString(value.ToArray());
}
