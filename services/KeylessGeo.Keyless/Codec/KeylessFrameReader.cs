using System.Buffers;
using System.Buffers.Binary;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Codec;

/// <summary>
/// Splits a byte stream into Keyless messages without copying or allocating. Feed it the
/// buffer a <c>PipeReader</c> returned; on <see cref="KeylessFrameStatus.Frame"/> the buffer
/// has been advanced past the message.
/// </summary>
public static class KeylessFrameReader
{
    /// <summary>
    /// Reads one message from the start of <paramref name="buffer"/>. Nothing is reported
    /// until the whole 8-byte header is present, so the connection-fatal statuses always carry
    /// the request id. The version is checked before the length.
    /// </summary>
    /// <param name="buffer">The unread bytes; advanced past the message on <see cref="KeylessFrameStatus.Frame"/> only.</param>
    /// <param name="maxBodyLength">The largest acceptable body, 0 to 65535.</param>
    /// <param name="frame">The message; for fatal statuses, the header fields with an empty body.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBodyLength"/> is outside 0 to 65535.</exception>
    public static KeylessFrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxBodyLength, out KeylessFrame frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBodyLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBodyLength, KeylessHeader.MaxBodyLength);
        frame = default;
        if (buffer.Length < KeylessHeader.Size)
        {
            return KeylessFrameStatus.Incomplete;
        }

        Span<byte> copy = stackalloc byte[KeylessHeader.Size];
        var first = buffer.FirstSpan;
        scoped ReadOnlySpan<byte> header;
        if (first.Length >= KeylessHeader.Size)
        {
            header = first;
        }
        else
        {
            buffer.Slice(0, KeylessHeader.Size).CopyTo(copy);
            header = copy;
        }

        var major = header[0];
        var minor = header[1];
        int length = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        var id = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (major != KeylessHeader.MajorVersion)
        {
            frame = new KeylessFrame(id, major, minor, length, default);
            return KeylessFrameStatus.UnsupportedVersion;
        }

        if (length > maxBodyLength)
        {
            frame = new KeylessFrame(id, major, minor, length, default);
            return KeylessFrameStatus.BodyTooLong;
        }

        if (buffer.Length - KeylessHeader.Size < length)
        {
            return KeylessFrameStatus.Incomplete;
        }

        var body = buffer.Slice(KeylessHeader.Size, length);
        frame = new KeylessFrame(id, major, minor, length, body);
        buffer = buffer.Slice(body.End);
        return KeylessFrameStatus.Frame;
    }

    /// <summary>Like <see cref="TryReadFrame(ref ReadOnlySequence{byte}, int, out KeylessFrame)"/> with <see cref="KeylessCodecOptions.MaxBodyLength"/>.</summary>
    public static KeylessFrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, KeylessCodecOptions options, out KeylessFrame frame)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TryReadFrame(ref buffer, options.MaxBodyLength, out frame);
    }
}
