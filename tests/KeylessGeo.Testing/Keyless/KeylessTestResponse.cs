using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Testing.Keyless;

/// <summary>A Keyless response as a test sees it: the id, and the result or the error code.</summary>
/// <param name="Id">The echoed request id.</param>
/// <param name="IsError">True for an error response (opcode 0xFF).</param>
/// <param name="Error">The error code of an error response.</param>
/// <param name="Payload">The result (a copy), or the error byte.</param>
public sealed record KeylessTestResponse(uint Id, bool IsError, KeylessError Error, byte[] Payload)
{
    /// <inheritdoc />
    public override string ToString() => IsError
        ? $"response {Id}: error {Error} (0x{(byte)Error:X2})"
        : $"response {Id}: {Payload.Length}-byte result";
}
