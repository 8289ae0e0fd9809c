using System.Buffers;
using System.Globalization;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Client;

/// <summary>Turns a response body into a <see cref="KeylessResult"/> with the codec's response parser.</summary>
internal static class ResponseDecoder
{
    /// <summary>
    /// Padding and unknown items are skipped by the parser. A body that is not a valid response
    /// (no opcode, a request opcode, a bad item), or whose opcode cannot answer the request
    /// (a ping answered 0xF0, a signature answered 0xF2), fails that request alone with
    /// INTERNAL and says why in <paramref name="malformed"/> (null when the response is valid):
    /// the header still framed it, so the connection and the other requests are unaffected.
    /// </summary>
    public static KeylessResult Decode(in ReadOnlySequence<byte> body, KeylessOpcode request, out string? malformed)
    {
        if (!KeylessItemParser.TryParseResponse(body, out var response, out var error))
        {
            malformed = error.Reason;
            return KeylessResult.Failure(ErrorCode.Internal, "The key server sent a malformed response: " + malformed + ".", true);
        }

        if (!KeylessOpcodes.Answers(request, response.Opcode))
        {
            malformed = UnexpectedOpcode(request, response.Opcode);
            return KeylessResult.Failure(ErrorCode.Internal, "The key server sent an unexpected response opcode: " + malformed + ".", true);
        }

        // The payload is a slice of the connection's read buffer: copy it out before advancing.
        malformed = null;
        return response.IsError
            ? KeylessResult.FromWireError(response.Error)
            : KeylessResult.Success(response.Payload.ToArray());
    }

    private static string UnexpectedOpcode(KeylessOpcode request, KeylessOpcode response) => request == KeylessOpcode.Ping
        ? string.Create(CultureInfo.InvariantCulture, $"a ping (0xF1) was answered with opcode 0x{(byte)response:X2}; a ping is answered with 0xF2 (pong) or 0xFF (error)")
        : string.Create(CultureInfo.InvariantCulture, $"request opcode 0x{(byte)request:X2} was answered with opcode 0x{(byte)response:X2}; it is answered with 0xF0 (response) or 0xFF (error)");
}
