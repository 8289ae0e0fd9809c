using Google.Protobuf;
using Google.Protobuf.Reflection;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>
/// A request message sent as given bytes, so a test can put a serialized
/// <see cref="SignRequest"/> and a malformed one on the same call. Send-only: it cannot be parsed.
/// </summary>
public sealed class RawSignRequest : IMessage<RawSignRequest>, IBufferMessage
{
    private readonly byte[] _bytes;

    /// <summary>Wraps already-serialized bytes.</summary>
    public RawSignRequest(byte[] bytes)
    {
        _bytes = bytes ?? throw new ArgumentNullException(nameof(bytes));
    }

    /// <summary>A parser for method descriptors; parsing always fails.</summary>
    public static MessageParser<RawSignRequest> Parser { get; } = new(() => new RawSignRequest([]));

    /// <summary>The bytes sent on the wire.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <inheritdoc />
    public MessageDescriptor Descriptor => SignRequest.Descriptor;

    /// <summary>A well-formed request.</summary>
    public static RawSignRequest Of(SignRequest request) => new(request.ToByteArray());

    /// <summary>
    /// A malformed request: field 4 (payload) announces <paramref name="announced"/> bytes but
    /// only one follows.
    /// </summary>
    public static RawSignRequest Truncated(byte announced = 5) => new([0x22, announced, 0x01]);

    /// <inheritdoc />
    public int CalculateSize() => _bytes.Length;

    /// <inheritdoc />
    public void WriteTo(CodedOutputStream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var b in _bytes)
        {
            output.WriteRawTag(b);
        }
    }

    /// <inheritdoc />
    public void InternalWriteTo(ref WriteContext output)
    {
        foreach (var b in _bytes)
        {
            output.WriteRawTag(b);
        }
    }

    /// <inheritdoc />
    public void MergeFrom(RawSignRequest message) => throw new NotSupportedException("RawSignRequest is send-only.");

    /// <inheritdoc />
    public void MergeFrom(CodedInputStream input) => throw new NotSupportedException("RawSignRequest is send-only.");

    /// <inheritdoc />
    public void InternalMergeFrom(ref ParseContext ctx) => throw new NotSupportedException("RawSignRequest is send-only.");

    /// <inheritdoc />
    public RawSignRequest Clone() => new((byte[])_bytes.Clone());

    /// <inheritdoc />
    public bool Equals(RawSignRequest? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RawSignRequest);

    /// <inheritdoc />
    public override int GetHashCode() => _bytes.Length;
}
