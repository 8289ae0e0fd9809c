using System.Buffers;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Tests.Codec;

/// <summary>The hot paths allocate nothing: reading, parsing and writing work on the caller's buffers.</summary>
public sealed class AllocationTests
{
    private const int Parses = 100_000;
    private const long OneOffAllowance = 512;

    [Fact]
    public void ReadAndParse_OfAValidFrame_AllocatesNothing()
    {
        var single = new ReadOnlySequence<byte>(Vectors.EcdsaSign);
        var segmented = Wire.Split(Vectors.RsaSignPadded, 5, 40, 300, 1000);
        ReadAndParse(single, segmented, 1000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var checksum = ReadAndParse(single, segmented, Parses);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A one-off runtime allocation (tier-up of the loop) may show; one per parse would be megabytes.
        Assert.InRange(allocated, 0, OneOffAllowance);
        Assert.Equal(Parses * 2L * 0x15, checksum);
    }

    [Fact]
    public void Write_IntoAPreSizedWriter_AllocatesNothing()
    {
        var writer = new ArrayBufferWriter<byte>(4096);
        ReadOnlySpan<byte> payload = [1, 2, 3, 4, 5, 6, 7, 8];
        ReadOnlySpan<byte> ski = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
        Write(writer, payload, ski, 1000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Write(writer, payload, ski, Parses);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 0, OneOffAllowance);
    }

    private static long ReadAndParse(ReadOnlySequence<byte> single, ReadOnlySequence<byte> segmented, int count)
    {
        long checksum = 0;
        for (var i = 0; i < count; i++)
        {
            var a = single;
            KeylessFrameReader.TryReadFrame(ref a, KeylessCodecOptions.DefaultMaxBodyLength, out var frame);
            KeylessItemParser.TryParseRequest(frame.Body, out var items, out _);
            checksum += (byte)items.Opcode;

            var b = segmented;
            KeylessFrameReader.TryReadFrame(ref b, KeylessCodecOptions.DefaultMaxBodyLength, out frame);
            KeylessItemParser.TryParseRequest(frame.Body, out items, out _);
            checksum += items.Ski.IsEmpty ? (byte)KeylessOpcode.EcdsaSignSha256 : 0;
        }

        return checksum;
    }

    private static void Write(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> ski, int count)
    {
        for (var i = 0; i < count; i++)
        {
            writer.ResetWrittenCount();
            KeylessWriter.WriteRequest(writer, (uint)i, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = payload, Ski = ski });
            KeylessWriter.WriteResponse(writer, (uint)i, payload, pad: true);
            KeylessWriter.WriteError(writer, (uint)i, KeylessError.KeyNotFound);
        }
    }
}
