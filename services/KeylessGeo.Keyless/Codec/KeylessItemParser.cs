using System.Buffers;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Codec;

/// <summary>
/// Parses a message body into its items without copying or allocating. Never throws on bad
/// input: a problem is reported as a <see cref="KeylessParseError"/> for that message alone.
/// </summary>
/// <remarks>
/// Rules: padding (0x20) and unknown tags are skipped, their lengths honoured; a known item
/// other than padding may appear once; opcode is 1 byte, SKI 20, certificate digest 32,
/// client and server IP 4 or 16. Item problems are reported in body order, before the opcode
/// checks.
/// </remarks>
public static class KeylessItemParser
{
    /// <summary>
    /// Splits <paramref name="body"/> into items and checks the fixed item sizes, without
    /// judging the opcode.
    /// </summary>
    public static bool TryParseItems(in ReadOnlySequence<byte> body, out KeylessRequestItems items, out KeylessParseError error)
    {
        items = default;
        error = default;
        var reader = new SequenceReader<byte>(body);
        while (!reader.End)
        {
            var offset = (int)reader.Consumed;
            var remaining = (int)reader.Remaining;
            if (remaining < KeylessHeader.ItemHeaderSize)
            {
                reader.TryPeek(out var partialTag);
                error = new KeylessParseError(KeylessParseErrorKind.TruncatedItemHeader, partialTag, offset, remaining);
                return false;
            }

            reader.TryRead(out var tag);
            reader.TryReadBigEndian(out short rawLength);
            int length = (ushort)rawLength;
            if (reader.Remaining < length)
            {
                error = new KeylessParseError(KeylessParseErrorKind.ItemOverrun, tag, offset, length, (int)reader.Remaining);
                return false;
            }

            var flag = Flag((KeylessTag)tag);
            if (flag == KeylessItems.None)
            {
                items.UnknownItemCount++;
                reader.Advance(length);
                continue;
            }

            if ((items.Present & flag) != 0 && flag != KeylessItems.Padding)
            {
                error = new KeylessParseError(KeylessParseErrorKind.DuplicateItem, tag, offset, length);
                return false;
            }

            if (!HasValidLength((KeylessTag)tag, length))
            {
                error = new KeylessParseError(KeylessParseErrorKind.InvalidItemLength, tag, offset, length);
                return false;
            }

            if ((KeylessTag)tag == KeylessTag.Opcode)
            {
                reader.TryPeek(out var opcode);
                items.Opcode = (KeylessOpcode)opcode;
            }

            Store(ref items, (KeylessTag)tag, body.Slice(reader.Position, length));
            items.Present |= flag;
            reader.Advance(length);
        }

        return true;
    }

    /// <summary>
    /// Parses a request body (server side): <see cref="TryParseItems"/>, then the opcode must
    /// be present, not a response opcode, and one the protocol defines. On failure,
    /// <paramref name="items"/> holds what was read so far and <paramref name="error"/> says
    /// which wire error to answer with.
    /// </summary>
    public static bool TryParseRequest(in ReadOnlySequence<byte> body, out KeylessRequestItems items, out KeylessParseError error)
    {
        if (!TryParseItems(body, out items, out error))
        {
            return false;
        }

        if (!items.HasOpcode)
        {
            error = new KeylessParseError(KeylessParseErrorKind.MissingOpcode, 0, -1, 0);
            return false;
        }

        if (KeylessOpcodes.IsResponse(items.Opcode))
        {
            error = new KeylessParseError(KeylessParseErrorKind.ResponseOpcode, (byte)KeylessTag.Opcode, -1, (byte)items.Opcode);
            return false;
        }

        if (!KeylessOpcodes.IsKnownRequest(items.Opcode))
        {
            error = new KeylessParseError(KeylessParseErrorKind.UnknownOpcode, (byte)KeylessTag.Opcode, -1, (byte)items.Opcode);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Parses a response body (client side): the opcode must be 0xF0 (the payload is the
    /// result), 0xF2 (a pong: the payload is the ping's echo) or 0xFF (the payload is exactly
    /// one error byte). Other items are ignored. Whether the opcode fits the request it answers
    /// is the caller's check (<see cref="KeylessOpcodes.Answers"/>).
    /// </summary>
    public static bool TryParseResponse(in ReadOnlySequence<byte> body, out KeylessResponse response, out KeylessParseError error)
    {
        response = default;
        if (!TryParseItems(body, out var items, out error))
        {
            return false;
        }

        if (!items.HasOpcode)
        {
            error = new KeylessParseError(KeylessParseErrorKind.MissingOpcode, 0, -1, 0);
            return false;
        }

        if (!KeylessOpcodes.IsResponse(items.Opcode))
        {
            error = new KeylessParseError(KeylessParseErrorKind.NotAResponse, (byte)KeylessTag.Opcode, -1, (byte)items.Opcode);
            return false;
        }

        if (items.Opcode != KeylessOpcode.Error)
        {
            response = new KeylessResponse(items.Opcode, items.Payload);
            return true;
        }

        if (items.Payload.Length != 1)
        {
            error = new KeylessParseError(KeylessParseErrorKind.InvalidErrorPayload, (byte)KeylessTag.Payload, -1, (int)items.Payload.Length);
            return false;
        }

        var code = items.Payload.FirstSpan.Length > 0 ? items.Payload.FirstSpan[0] : FirstByte(items.Payload);
        response = new KeylessResponse(KeylessOpcode.Error, items.Payload) { Error = (KeylessError)code };
        return true;
    }

    private static byte FirstByte(in ReadOnlySequence<byte> sequence)
    {
        var reader = new SequenceReader<byte>(sequence);
        reader.TryRead(out var value);
        return value;
    }

    private static bool HasValidLength(KeylessTag tag, int length) => tag switch
    {
        KeylessTag.Opcode => length == 1,
        KeylessTag.Ski => length == 20,
        KeylessTag.CertificateDigest => length == 32,
        KeylessTag.ClientIp or KeylessTag.ServerIp => length is 4 or 16,
        _ => true,
    };

    private static KeylessItems Flag(KeylessTag tag) => tag switch
    {
        KeylessTag.CertificateDigest => KeylessItems.CertificateDigest,
        KeylessTag.ServerName => KeylessItems.ServerName,
        KeylessTag.ClientIp => KeylessItems.ClientIp,
        KeylessTag.Ski => KeylessItems.Ski,
        KeylessTag.ServerIp => KeylessItems.ServerIp,
        KeylessTag.CertificateId => KeylessItems.CertificateId,
        KeylessTag.Opcode => KeylessItems.Opcode,
        KeylessTag.Payload => KeylessItems.Payload,
        KeylessTag.CustomFunctionName => KeylessItems.CustomFunctionName,
        KeylessTag.SupplementalPayload => KeylessItems.SupplementalPayload,
        KeylessTag.SpanContext => KeylessItems.SpanContext,
        KeylessTag.Padding => KeylessItems.Padding,
        _ => KeylessItems.None,
    };

    private static void Store(ref KeylessRequestItems items, KeylessTag tag, ReadOnlySequence<byte> data)
    {
        switch (tag)
        {
            case KeylessTag.CertificateDigest: items.CertificateDigest = data; break;
            case KeylessTag.ServerName: items.ServerName = data; break;
            case KeylessTag.ClientIp: items.ClientIp = data; break;
            case KeylessTag.Ski: items.Ski = data; break;
            case KeylessTag.ServerIp: items.ServerIp = data; break;
            case KeylessTag.CertificateId: items.CertificateId = data; break;
            case KeylessTag.Payload: items.Payload = data; break;
            case KeylessTag.CustomFunctionName: items.CustomFunctionName = data; break;
            case KeylessTag.SupplementalPayload: items.SupplementalPayload = data; break;
            case KeylessTag.SpanContext: items.SpanContext = data; break;
            default: break;
        }
    }
}
