using System.Buffers;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Codec;

/// <summary>A parsed response body (client side): a result, a ping's echo or an error code.</summary>
/// <param name="Opcode"><see cref="KeylessOpcode.Response"/>, <see cref="KeylessOpcode.Pong"/> or <see cref="KeylessOpcode.Error"/>.</param>
/// <param name="Payload">The result or the echo (a slice of the body; no copy), or the 1-byte error code.</param>
public readonly record struct KeylessResponse(KeylessOpcode Opcode, ReadOnlySequence<byte> Payload)
{
    /// <summary>True for an error response.</summary>
    public bool IsError => Opcode == KeylessOpcode.Error;

    /// <summary>The error code of an error response; undefined otherwise.</summary>
    public KeylessError Error { get; init; }
}
