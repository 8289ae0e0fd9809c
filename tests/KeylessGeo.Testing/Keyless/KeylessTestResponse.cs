using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Testing.Keyless;

/// <summary>A Keyless response as a test sees it: the id, and the result or the error code.</summary>
/// <param name="Id">The echoed request id.</param>
/// <param name="IsError">True for an error response (opcode 0xFF).</param>
/// <param name="Error">The error code of an error response.</param>
/// <param name="Payload">The result or a ping's echo (a copy), or the error byte.</param>
/// <param name="Opcode">The response opcode: 0xF0 (result), 0xF2 (pong) or 0xFF (error).</param>
public sealed record KeylessTestResponse(uint Id, bool IsError, KeylessError Error, byte[] Payload, KeylessOpcode Opcode = KeylessOpcode.Response)
{
    /// <inheritdoc />
    public override string ToString() => IsError
        ? $"response {Id}: error {Error} (0x{(byte)Error:X2})"
        : $"response {Id}: {Payload.Length}-byte {(Opcode == KeylessOpcode.Pong ? "echo" : "result")}";
}
