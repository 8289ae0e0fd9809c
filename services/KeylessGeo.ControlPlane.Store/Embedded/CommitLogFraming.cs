using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// How one <see cref="CommitLogRecord"/> is laid out in a commit-log file: a 4-byte
/// little-endian payload length, the first 16 bytes of the payload's SHA-256, then the payload
/// (UTF-8 JSON). A record whose length runs past the end of the file, or whose checksum does not
/// match and which ends the file, is a torn write of a commit that never completed.
/// </summary>
internal static class CommitLogFraming
{
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderLength = 4 + ChecksumLength;

    /// <summary>The largest payload a record may declare; anything larger is damage.</summary>
    public const int MaxPayload = 256 * 1024 * 1024;

    private const int ChecksumLength = 16;

    /// <summary>The framed bytes of <paramref name="record"/>.</summary>
    public static byte[] Encode(CommitLogRecord record)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(record, EmbeddedJsonContext.Default.CommitLogRecord);
        var framed = new byte[HeaderLength + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(framed, payload.Length);
        SHA256.HashData(payload).AsSpan(0, ChecksumLength).CopyTo(framed.AsSpan(4));
        payload.CopyTo(framed, HeaderLength);
        return framed;
    }

    /// <summary>The payload length a header declares (negative or huge values are returned as they are).</summary>
    public static int DeclaredLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt32LittleEndian(header);

    /// <summary>Whether the header's checksum matches <paramref name="payload"/>.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        return hash[..ChecksumLength].SequenceEqual(header.Slice(4, ChecksumLength));
    }

    /// <summary>The record in <paramref name="payload"/>, or null with the reason it does not parse.</summary>
    public static CommitLogRecord? Decode(ReadOnlySpan<byte> payload, out string? error)
    {
        try
        {
            error = null;
            return JsonSerializer.Deserialize(payload, EmbeddedJsonContext.Default.CommitLogRecord)
                ?? throw new JsonException("the record holds null");
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }
}
