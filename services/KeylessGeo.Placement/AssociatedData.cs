using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace KeylessGeo.Placement;

/// <summary>
/// Builds the AEAD associated data. Every field, strings and integers alike, is written as a
/// 4-byte big-endian length followed by its bytes: strings as strict UTF-8, integers as 4-byte
/// big-endian two's complement. The first field is the blob's label, which names the blob kind
/// and format version, so the two blob kinds and any future version never share associated data.
/// See README.md, "Associated data".
/// </summary>
internal static class AssociatedData
{
    // Strict: an unpaired surrogate throws instead of becoming U+FFFD, so two different ids
    // can never encode to the same bytes.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The associated data of a wrapped policy key.</summary>
    public static byte[] ForPolicyKey(PolicyKeyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequireId(context.PolicyId, nameof(context.PolicyId));
        RequireNonNegative(context.Generation, nameof(context.Generation));
        RequireId(context.DatacenterId, nameof(context.DatacenterId));

        var writer = new ArrayBufferWriter<byte>(128);
        WriteString(writer, PolicyKeyWrapping.Label);
        WriteString(writer, context.PolicyId);
        WriteInt32(writer, context.Generation);
        WriteString(writer, context.DatacenterId);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>The associated data of a wrapped private key.</summary>
    public static byte[] ForPrivateKey(KeyWrapContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequireId(context.KeyId, nameof(context.KeyId));
        RequireId(context.PolicyId, nameof(context.PolicyId));
        RequireNonNegative(context.PolicyKeyGeneration, nameof(context.PolicyKeyGeneration));
        RequireNonNegative(context.KeyVersion, nameof(context.KeyVersion));

        var writer = new ArrayBufferWriter<byte>(128);
        WriteString(writer, PrivateKeyWrapping.Label);
        WriteString(writer, context.KeyId);
        WriteString(writer, context.PolicyId);
        WriteInt32(writer, context.PolicyKeyGeneration);
        WriteInt32(writer, context.KeyVersion);
        return writer.WrittenSpan.ToArray();
    }

    private static void WriteString(ArrayBufferWriter<byte> writer, string value)
    {
        var length = StrictUtf8.GetByteCount(value);
        WriteLength(writer, length);
        var written = StrictUtf8.GetBytes(value, writer.GetSpan(length));
        writer.Advance(written);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> writer, int value)
    {
        WriteLength(writer, sizeof(int));
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(sizeof(int)), value);
        writer.Advance(sizeof(int));
    }

    private static void WriteLength(ArrayBufferWriter<byte> writer, int length)
    {
        BinaryPrimitives.WriteUInt32BigEndian(writer.GetSpan(sizeof(uint)), (uint)length);
        writer.Advance(sizeof(uint));
    }

    private static void RequireId(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"{name} must be a non-empty string.", name);
        }

        try
        {
            _ = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"{name} '{value}' is not valid Unicode (it has an unpaired surrogate).", name, ex);
        }
    }

    private static void RequireNonNegative(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be zero or positive.");
        }
    }
}
