using System.Globalization;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// The one place where Keyless wire errors (the byte of an opcode 0xFF response) become
/// <see cref="ErrorCode"/> values. See the "Client" section of the project README for the
/// reasoning behind each row.
/// </summary>
public static class KeylessErrorMapping
{
    /// <summary>The error code for a wire error; unknown bytes are <see cref="ErrorCode.Internal"/>.</summary>
    public static ErrorCode ToErrorCode(KeylessError wireError) => wireError switch
    {
        KeylessError.CryptographyFailure => ErrorCode.CryptoFailure,

        // Both are definitive answers about the key (or its certificate), never transient.
        KeylessError.KeyNotFound or KeylessError.CertificateNotFound => ErrorCode.KeyNotFound,

        // The server could not read or process a well-formed request: transient, retryable elsewhere.
        KeylessError.ReadError or KeylessError.InternalError => ErrorCode.Internal,

        // We only ever send version 1.0, which every conforming server speaks: a server that
        // refuses it cannot serve this client at all, so another server may; the request itself
        // is not malformed.
        KeylessError.VersionMismatch => ErrorCode.Unavailable,

        // The request is wrong for this server (unsupported operation, malformed items) and would
        // be wrong anywhere. Expired: gokeyless uses it for a sealed payload that can no longer be
        // opened, a property of the request, definitive.
        KeylessError.BadOpcode or KeylessError.UnexpectedOpcode or KeylessError.FormatError or KeylessError.Expired
            => ErrorCode.BadRequest,

        // The server's configuration forbids serving this key (our keyserver answers POLICY_DENIED
        // with 0x0B): the key may exist, so this is never KEY_NOT_FOUND; another permitted server may answer.
        KeylessError.RemoteConfigurationError => ErrorCode.PolicyDenied,

        // Not in the protocol: treat as the server's own fault.
        _ => ErrorCode.Internal,
    };

    /// <summary>A message for a wire error (constant text for the known codes; no allocation).</summary>
    public static string Describe(KeylessError wireError) => wireError switch
    {
        KeylessError.CryptographyFailure => "The key server reported a cryptography failure (0x01).",
        KeylessError.KeyNotFound => "The key server has no such key (0x02).",
        KeylessError.ReadError => "The key server reported a read error (0x03).",
        KeylessError.VersionMismatch => "The key server does not accept protocol version 1.0 (0x04).",
        KeylessError.BadOpcode => "The key server does not support the operation (0x05).",
        KeylessError.UnexpectedOpcode => "The key server reported an unexpected opcode (0x06).",
        KeylessError.FormatError => "The key server could not parse the request (0x07).",
        KeylessError.InternalError => "The key server reported an internal error (0x08).",
        KeylessError.CertificateNotFound => "The key server has no such certificate (0x09).",
        KeylessError.Expired => "The key server reported that the key or payload has expired (0x0A).",
        KeylessError.RemoteConfigurationError => "The key server's configuration does not allow the request (0x0B).",
        _ => string.Create(CultureInfo.InvariantCulture, $"The key server answered with an unknown error code 0x{(byte)wireError:X2}."),
    };
}
