using System.Runtime.CompilerServices;
using KeylessGeo.EpollFloor.Keys;
using KeylessGeo.EpollFloor.Native;
using static KeylessGeo.EpollFloor.Protocol.KeylessWire;

namespace KeylessGeo.EpollFloor.Protocol;

/// <summary>
/// Answers one whole request frame into a connection's output buffer: parse the items, find the key by
/// SKI, sign with the loop's context, or answer ping and errors. One per loop (its counters and signing
/// contexts are the loop's own); works on native memory only, allocates nothing.
/// </summary>
internal sealed unsafe class RequestAnswerer(KeyContexts keys)
{
    /// <summary>Signatures answered by this loop.</summary>
    public long Signed { get; private set; }

    /// <summary>Pings answered by this loop.</summary>
    public long Pongs { get; private set; }

    /// <summary>Errors answered by this loop.</summary>
    public long Errors { get; private set; }

    /// <summary>
    /// Answers the frame at <paramref name="frame"/> (header and <paramref name="bodyLength"/> body bytes)
    /// into <paramref name="output"/> (room for <see cref="KeylessWire.MaxFrame"/> bytes); the reply's length.
    /// </summary>
    public int Answer(byte* frame, int bodyLength, byte* output)
    {
        var id = frame + 4;
        byte* item = frame + Header, end = item + bodyLength;
        byte* payload = null, ski = null;
        var payloadLength = 0;
        var opcode = -1;
        while (item < end)
        {
            if (end - item < ItemHeader)
            {
                return PutError(output, id, ErrorFormat);
            }
            var tag = item[0];
            var length = (item[1] << 8) | item[2];
            item += ItemHeader;
            if (length > end - item)
            {
                return PutError(output, id, ErrorFormat);
            }
            if (tag == TagOpcode)
            {
                if (length != 1)
                {
                    return PutError(output, id, ErrorFormat);
                }
                opcode = item[0];
            }
            else if (tag == TagPayload)
            {
                payload = item;
                payloadLength = length;
            }
            else if (tag == TagSki)
            {
                if (length != SigningKey.SkiLength)
                {
                    return PutError(output, id, ErrorFormat);
                }
                ski = item;
            }
            item += length;
        }

        if (opcode == OpPing)
        {
            // The ping's body held its payload item, so a pong with the same items fits a body too.
            Buffer.MemoryCopy(payload, output + ReplyPayload, MaxFrame - ReplyPayload, payloadLength);
            Pongs++;
            return PutReply(output, id, OpPong, payloadLength);
        }
        if (opcode < 0)
        {
            return PutError(output, id, ErrorFormat);
        }
        if (opcode is OpResponse or OpPong or OpError)
        {
            return PutError(output, id, ErrorUnexpectedOpcode);
        }
        if (opcode is not OpEcdsaSignSha256 and not OpRsaSignSha256)
        {
            return PutError(output, id, ErrorBadOpcode);
        }
        var key = ski != null ? keys.Find(new ReadOnlySpan<byte>(ski, SigningKey.SkiLength)) : -1;
        if (key < 0)
        {
            return PutError(output, id, ErrorKeyNotFound);
        }
        if (keys.TypeOf(key) != (opcode == OpEcdsaSignSha256 ? LibCrypto.KeyTypeEc : LibCrypto.KeyTypeRsa))
        {
            return PutError(output, id, ErrorBadOpcode);
        }
        if (payload == null || payloadLength != DigestLength)
        {
            return PutError(output, id, ErrorFormat);
        }
        var signatureLength = keys.Sign(key, payload, payloadLength, output + ReplyPayload, MaxFrame - ReplyPayload);
        if (signatureLength < 0)
        {
            return PutError(output, id, ErrorCrypto);
        }
        Signed++;
        return PutReply(output, id, OpResponse, signatureLength);
    }

    /// <summary>An error reply with <paramref name="code"/>; also used by the connection for a version mismatch.</summary>
    public int PutError(byte* output, byte* id, byte code)
    {
        Errors++;
        output[ReplyPayload] = code;
        return PutReply(output, id, OpError, 1);
    }

    /// <summary>Header and items of a reply whose payload is already at <c>output + ReplyPayload</c>.</summary>
    private static int PutReply(byte* output, byte* id, byte opcode, int payloadLength)
    {
        var body = ItemHeader + 1 + ItemHeader + payloadLength;
        output[0] = 1;
        output[1] = 0;
        output[2] = (byte)(body >> 8);
        output[3] = (byte)body;
        Unsafe.WriteUnaligned(output + 4, Unsafe.ReadUnaligned<uint>(id));
        output[8] = TagOpcode;
        output[9] = 0;
        output[10] = 1;
        output[11] = opcode;
        output[12] = TagPayload;
        output[13] = (byte)(payloadLength >> 8);
        output[14] = (byte)payloadLength;
        return Header + body;
    }
}
