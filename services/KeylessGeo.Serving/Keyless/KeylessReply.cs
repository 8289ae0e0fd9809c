using System.Buffers;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// One response waiting to be written. A reply to a request read from the connection holds
/// one of its in-flight slots, and the bytes its request reserved in the response budget; both
/// are released once the reply is written and flushed (or discarded).
/// </summary>
internal readonly struct KeylessReply
{
    private readonly byte[]? _rented;

    private KeylessReply(KeylessReplyKind kind, uint id, KeylessError error, ReadOnlyMemory<byte> payload, byte[]? rented, bool holdsSlot, int cost)
    {
        Kind = kind;
        Id = id;
        Error = error;
        Payload = payload;
        _rented = rented;
        HoldsSlot = holdsSlot;
        Cost = cost;
    }

    public KeylessReplyKind Kind { get; }

    public uint Id { get; }

    /// <summary>The error code of an <see cref="KeylessReplyKind.Error"/> reply.</summary>
    public KeylessError Error { get; }

    /// <summary>The result of a <see cref="KeylessReplyKind.Result"/> reply, or the echo of a <see cref="KeylessReplyKind.Pong"/>.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Whether the reply answers a request that holds an in-flight slot.</summary>
    public bool HoldsSlot { get; }

    /// <summary>The bytes its request reserved in the response budget (0 when none).</summary>
    public int Cost { get; }

    /// <summary>Marks the end of the connection's output.</summary>
    public static KeylessReply Close => new(KeylessReplyKind.Close, 0, default, default, null, holdsSlot: false, cost: 0);

    /// <summary>A result (not copied: the signing core's result array is not reused).</summary>
    public static KeylessReply Result(uint id, ReadOnlyMemory<byte> result, int cost) =>
        new(KeylessReplyKind.Result, id, default, result, null, holdsSlot: true, cost);

    /// <summary>A ping's echo, copied into a pooled buffer because the request's buffer is reused.</summary>
    public static KeylessReply Pong(uint id, in ReadOnlySequence<byte> payload, int cost)
    {
        var length = (int)payload.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        payload.CopyTo(rented);
        return new KeylessReply(KeylessReplyKind.Pong, id, default, rented.AsMemory(0, length), rented, holdsSlot: true, cost);
    }

    /// <summary>An error response.</summary>
    public static KeylessReply Failure(uint id, KeylessError error, int cost, bool holdsSlot = true) =>
        new(KeylessReplyKind.Error, id, error, default, null, holdsSlot, cost);

    /// <summary>Encodes the reply as its Keyless frame into <paramref name="output"/> (both transports write replies this way).</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        switch (Kind)
        {
            case KeylessReplyKind.Error:
                KeylessWriter.WriteError(output, Id, Error);
                break;
            case KeylessReplyKind.Pong:
                KeylessWriter.WritePong(output, Id, Payload.Span);
                break;
            default:
                KeylessWriter.WriteResponse(output, Id, Payload.Span);
                break;
        }
    }

    /// <summary>Returns the pooled buffer, if any; the reply must not be written afterwards.</summary>
    public void ReturnBuffer()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }
    }
}
