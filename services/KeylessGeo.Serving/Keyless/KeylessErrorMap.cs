using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// The one place where the signing core's error codes become Keyless wire errors. Item-level
/// parse errors come from the codec (<c>KeylessParseError.WireError</c>) and framing errors
/// from <see cref="ForFraming"/>; everything else goes through <see cref="Map"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>KEY_NOT_FOUND</c> is the only source of 0x02 "key not found": it is definitive.</item>
/// <item>Transient failures (<c>INTERNAL</c>, <c>OVERLOADED</c>, <c>DEADLINE_EXCEEDED</c>,
/// <c>UNAVAILABLE</c>) are 0x08 "internal error", never "key not found", so a client may try
/// another key server.</item>
/// <item><c>POLICY_DENIED</c> (the key exists, but this datacenter may not hold it) is 0x0B
/// "remote configuration error": the client's routing sent the request to the wrong place.
/// "Key not found" would falsely say the key does not exist, and "internal error" would
/// invite a retry here that can never succeed.</item>
/// <item>An operation the key cannot perform (an ECDSA opcode for an RSA key …) is 0x01
/// "cryptography failure", as the reference implementation (gokeyless) answers it: the opcode
/// itself is known and supported (0x05 "bad opcode" would tell the client this server lacks
/// the operation altogether), the pairing of key and operation is what fails.</item>
/// <item>Any other <c>BAD_REQUEST</c> from the core (a payload of the wrong length, an empty
/// key reference) is 0x07 "format error".</item>
/// </list>
/// </remarks>
public static class KeylessErrorMap
{
    /// <summary>The wire error for an operation the key's type cannot perform.</summary>
    public const KeylessError OperationNotSupportedByKey = KeylessError.CryptographyFailure;

    /// <summary>The wire error for an optional opcode this server does not implement (seal, unseal, RPC, custom function).</summary>
    public const KeylessError UnsupportedOptionalOpcode = KeylessError.BadOpcode;

    /// <summary>
    /// The wire error for a core error code. <paramref name="operationNotSupportedByKey"/> says
    /// that a <c>BAD_REQUEST</c> was caused by the key's type not supporting the operation.
    /// </summary>
    public static KeylessError Map(ErrorCode code, bool operationNotSupportedByKey = false) => code switch
    {
        ErrorCode.KeyNotFound => KeylessError.KeyNotFound,
        ErrorCode.PolicyDenied => KeylessError.RemoteConfigurationError,
        ErrorCode.BadRequest => operationNotSupportedByKey ? OperationNotSupportedByKey : KeylessError.FormatError,
        ErrorCode.CryptoFailure => KeylessError.CryptographyFailure,
        ErrorCode.Overloaded or ErrorCode.Internal or ErrorCode.DeadlineExceeded or ErrorCode.Unavailable => KeylessError.InternalError,

        // Unspecified on an error, or a code newer than this listener: a fault of ours.
        _ => KeylessError.InternalError,
    };

    /// <summary>The wire error answered, for the offending id, before closing on a framing error.</summary>
    public static KeylessError ForFraming(KeylessFrameStatus status) => status switch
    {
        KeylessFrameStatus.UnsupportedVersion => KeylessError.VersionMismatch,
        _ => KeylessError.FormatError,
    };
}
