using System.Globalization;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Codec;

/// <summary>
/// A per-message parse error: what went wrong, where, and the wire error to answer with.
/// Building one does not allocate; <see cref="Reason"/> formats the text on demand.
/// </summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Tag">The tag of the offending item (0 when there is none).</param>
/// <param name="Offset">The offending item's offset in the body (-1 when there is none).</param>
/// <param name="Value">The offending length or opcode.</param>
/// <param name="Remaining">For <see cref="KeylessParseErrorKind.ItemOverrun"/>: the bytes the body had left for the item's data.</param>
public readonly record struct KeylessParseError(KeylessParseErrorKind Kind, byte Tag, int Offset, int Value, int Remaining = 0)
{
    /// <summary>True when this is an error (not <see cref="KeylessParseErrorKind.None"/>).</summary>
    public bool IsError => Kind != KeylessParseErrorKind.None;

    /// <summary>The error code to answer the message with.</summary>
    public KeylessError WireError => Kind switch
    {
        KeylessParseErrorKind.UnknownOpcode => KeylessError.BadOpcode,
        KeylessParseErrorKind.ResponseOpcode => KeylessError.UnexpectedOpcode,
        _ => KeylessError.FormatError,
    };

    /// <summary>A human-readable explanation (for logs; it holds no payload bytes).</summary>
    public string Reason => Kind switch
    {
        KeylessParseErrorKind.None => "no error",
        KeylessParseErrorKind.TruncatedItemHeader => Format(
            "the item at body offset {0} is cut short: {1} byte(s) left, an item header needs 3", Offset, Value),
        KeylessParseErrorKind.ItemOverrun => Format(
            "item 0x{0:X2} ({1}) at body offset {2} declares {3} bytes but only {4} remain in the body", Tag, Name(Tag), Offset, Value, Remaining),
        KeylessParseErrorKind.InvalidItemLength => Format(
            "item 0x{0:X2} ({1}) at body offset {2} is {3} bytes; it must be {4}", Tag, Name(Tag), Offset, Value, ExpectedLength(Tag)),
        KeylessParseErrorKind.DuplicateItem => Format(
            "item 0x{0:X2} ({1}) appears more than once (again at body offset {2})", Tag, Name(Tag), Offset),
        KeylessParseErrorKind.MissingOpcode => "the message has no opcode item (tag 0x11)",
        KeylessParseErrorKind.UnknownOpcode => Format("opcode 0x{0:X2} is not a Keyless operation", Value),
        KeylessParseErrorKind.ResponseOpcode => Format("opcode 0x{0:X2} is a response opcode and cannot be sent as a request", Value),
        KeylessParseErrorKind.NotAResponse => Format("opcode 0x{0:X2} is not a response opcode (0xF0, 0xF2 or 0xFF)", Value),
        KeylessParseErrorKind.InvalidErrorPayload => Format("the error response's payload is {0} bytes; it must be 1", Value),
        _ => Kind.ToString(),
    };

    /// <inheritdoc/>
    public override string ToString() => Reason;

    private static string Format(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    private static string Name(byte tag) => (KeylessTag)tag switch
    {
        KeylessTag.CertificateDigest => "certificate digest",
        KeylessTag.ServerName => "server name",
        KeylessTag.ClientIp => "client IP",
        KeylessTag.Ski => "SKI",
        KeylessTag.ServerIp => "server IP",
        KeylessTag.CertificateId => "certificate id",
        KeylessTag.Opcode => "opcode",
        KeylessTag.Payload => "payload",
        KeylessTag.CustomFunctionName => "custom function name",
        KeylessTag.SupplementalPayload => "supplemental payload",
        KeylessTag.SpanContext => "span context",
        KeylessTag.Padding => "padding",
        _ => "unknown tag",
    };

    private static string ExpectedLength(byte tag) => (KeylessTag)tag switch
    {
        KeylessTag.Opcode => "1",
        KeylessTag.Ski => "20",
        KeylessTag.CertificateDigest => "32",
        KeylessTag.ClientIp or KeylessTag.ServerIp => "4 or 16",
        _ => "?",
    };
}
