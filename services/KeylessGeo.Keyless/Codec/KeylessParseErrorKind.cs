namespace KeylessGeo.Keyless.Codec;

/// <summary>
/// Why a message body could not be parsed. Every kind concerns one message only: the header
/// still frames the stream, so the connection goes on.
/// </summary>
public enum KeylessParseErrorKind
{
    /// <summary>No error.</summary>
    None,

    /// <summary>Fewer than 3 bytes (an item header) are left at the end of the body. Wire: format error.</summary>
    TruncatedItemHeader,

    /// <summary>An item's length runs past the end of the body. Wire: format error.</summary>
    ItemOverrun,

    /// <summary>A fixed-size item has the wrong length (opcode 1; SKI 20; digest 32; IPs 4 or 16). Wire: format error.</summary>
    InvalidItemLength,

    /// <summary>A known item (other than padding) appears twice. Wire: format error.</summary>
    DuplicateItem,

    /// <summary>The body has no opcode item. Wire: format error.</summary>
    MissingOpcode,

    /// <summary>The opcode is not one the protocol defines. Wire: bad opcode.</summary>
    UnknownOpcode,

    /// <summary>A response opcode (0xF0, 0xF2 or 0xFF) was sent as a request. Wire: unexpected opcode.</summary>
    ResponseOpcode,

    /// <summary>Client side: a response whose opcode is not 0xF0, 0xF2 or 0xFF.</summary>
    NotAResponse,

    /// <summary>Client side: an error response whose payload is not exactly 1 byte.</summary>
    InvalidErrorPayload,
}
