using System.Buffers;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Tests.Codec;

/// <summary>
/// Random and mutated frames through the reader and the parsers: nothing throws, every read
/// either makes progress or consumes nothing. Bounded by iterations, seeded, no clock.
/// </summary>
public sealed class ParserFuzzTests
{
    private const int Iterations = 1_000_000;

    [Fact]
    public void ReadAndParse_OnAMillionMutatedFrames_NeverThrowsAndAlwaysMakesProgress()
    {
        var random = new Random(20240407);
        var corpus = Corpus();
        var scratch = new byte[4096];
        var frames = 0;
        var parsed = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var length = Mutate(random, corpus[random.Next(corpus.Length)], scratch);
            var input = random.Next(8) == 0
                ? Wire.Split(scratch[..length], random.Next(length + 1), random.Next(length + 1), random.Next(length + 1))
                : new ReadOnlySequence<byte>(scratch, 0, length);
            try
            {
                var (f, p) = Drain(input, random.Next(4) == 0 ? random.Next(KeylessHeader.MaxBodyLength + 1) : KeylessCodecOptions.DefaultMaxBodyLength, i % 16 == 0);
                frames += f;
                parsed += p;
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"iteration {i} threw on {Convert.ToHexString(scratch, 0, length)}", e);
            }
        }

        // The mutations keep a good share of the inputs parseable, so the deep paths run too.
        Assert.True(frames > Iterations / 2, $"only {frames} frames");
        Assert.True(parsed > Iterations / 10, $"only {parsed} requests parsed");
    }

    private static (int Frames, int Parsed) Drain(ReadOnlySequence<byte> buffer, int maxBodyLength, bool explain)
    {
        var frames = 0;
        var parsed = 0;
        while (true)
        {
            var before = buffer.Length;
            var status = KeylessFrameReader.TryReadFrame(ref buffer, maxBodyLength, out var frame);
            if (status != KeylessFrameStatus.Frame)
            {
                Assert.Equal(before, buffer.Length);
                if (status == KeylessFrameStatus.Incomplete)
                {
                    Assert.Equal(default, frame);
                }
                else
                {
                    // Fatal statuses only come with a whole header, so the id can be answered.
                    Assert.True(before >= KeylessHeader.Size);
                    Assert.True(status == KeylessFrameStatus.UnsupportedVersion ? frame.MajorVersion != 1 : frame.BodyLength > maxBodyLength);
                }

                return (frames, parsed);
            }

            frames++;
            Assert.Equal(before - KeylessHeader.Size - frame.BodyLength, buffer.Length);
            Assert.Equal(frame.BodyLength, frame.Body.Length);
            Assert.True(frame.BodyLength <= maxBodyLength);
            if (KeylessItemParser.TryParseRequest(frame.Body, out var items, out var error))
            {
                parsed++;
                Assert.True(KeylessOpcodes.IsKnownRequest(items.Opcode));
                Assert.True(items.Ski.IsEmpty || items.Ski.Length == 20);
                Assert.True(items.CertificateDigest.IsEmpty || items.CertificateDigest.Length == 32);
                Assert.True(items.ClientIp.IsEmpty || items.ClientIp.Length is 4 or 16);
                Assert.True(items.ServerIp.IsEmpty || items.ServerIp.Length is 4 or 16);
            }
            else
            {
                Assert.True(error.IsError);
                if (explain)
                {
                    Assert.NotEmpty(error.Reason);
                }
            }

            if (KeylessItemParser.TryParseResponse(frame.Body, out var response, out error))
            {
                Assert.True(KeylessOpcodes.IsResponse(response.Opcode));
            }
            else
            {
                Assert.True(error.IsError);
            }
        }
    }

    private static int Mutate(Random random, byte[] source, byte[] scratch)
    {
        var length = source.Length;
        source.CopyTo(scratch, 0);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(8))
            {
                case 0: // bit flip
                    scratch[random.Next(length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // truncation
                    length = random.Next(length + 1);
                    break;
                case 2: // header length field
                    if (length >= 4)
                    {
                        scratch[2] = (byte)random.Next(4);
                        scratch[3] = (byte)random.Next(256);
                    }

                    break;
                case 3: // an item length somewhere in the body
                    if (length > 11)
                    {
                        var at = random.Next(KeylessHeader.Size, length - 2);
                        scratch[at + 1] = (byte)(random.Next(3) == 0 ? random.Next(256) : 0);
                        scratch[at + 2] = (byte)random.Next(256);
                    }

                    break;
                case 4: // a tag change at the first item or anywhere
                    if (length > KeylessHeader.Size)
                    {
                        var at = random.Next(2) == 0 ? KeylessHeader.Size : random.Next(KeylessHeader.Size, length);
                        scratch[at] = TagOrOpcode(random);
                    }

                    break;
                case 5: // extension with random bytes
                    var extra = Math.Min(random.Next(1, 64), scratch.Length - length);
                    random.NextBytes(scratch.AsSpan(length, extra));
                    length += extra;
                    break;
                case 6: // a whole random frame with a plausible header
                    length = random.Next(KeylessHeader.Size, 256);
                    random.NextBytes(scratch.AsSpan(0, length));
                    scratch[0] = (byte)(random.Next(10) == 0 ? random.Next(256) : 1);
                    scratch[2] = 0;
                    scratch[3] = (byte)random.Next(length - KeylessHeader.Size + 8);
                    break;
                default: // version change
                    scratch[0] = (byte)(random.Next(4) == 0 ? random.Next(256) : 1);
                    break;
            }
        }

        return length;
    }

    private static byte TagOrOpcode(Random random)
    {
        ReadOnlySpan<byte> interesting = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x11, 0x12, 0x13, 0x14, 0x15, 0x20, 0x7E, 0xF0, 0xF1, 0xFF];
        return random.Next(4) == 0 ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
    }

    private static byte[][] Corpus()
    {
        var writer = new ArrayBufferWriter<byte>();
        KeylessWriter.WriteResponse(writer, 1, [1, 2, 3]);
        KeylessWriter.WriteError(writer, 2, KeylessError.KeyNotFound);
        var responses = writer.WrittenSpan.ToArray();
        return
        [
            Vectors.EcdsaSign,
            Vectors.RsaSignPadded,
            Vectors.PingWithUnknownTags,
            Vectors.CustomFunctionAllItems,
            Wire.Concat(Vectors.EcdsaSign, Vectors.PingWithUnknownTags),
            responses,
        ];
    }
}
