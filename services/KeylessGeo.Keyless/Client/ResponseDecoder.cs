using System.Buffers;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;

namespace KeylessGeo.Keyless.Client;

/// <summary>Turns a response body into a <see cref="KeylessResult"/> with the codec's response parser.</summary>
internal static class ResponseDecoder
{
    /// <summary>
    /// Padding and unknown items are skipped by the parser. A body that is not a valid response
    /// (no opcode, a request opcode, a bad item) fails that request alone with INTERNAL: the
    /// header still framed it, so the connection and the other requests are unaffected.
    /// </summary>
    public static KeylessResult Decode(in ReadOnlySequence<byte> body, out KeylessParseError malformed)
    {
        if (!KeylessItemParser.TryParseResponse(body, out var response, out malformed))
        {
            return KeylessResult.Failure(ErrorCode.Internal, "The key server sent a malformed response: " + malformed.Reason + ".", true);
        }

        // The payload is a slice of the connection's read buffer: copy it out before advancing.
        return response.IsError
            ? KeylessResult.FromWireError(response.Error)
            : KeylessResult.Success(response.Payload.ToArray());
    }
}
