using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Codec;

/// <summary>
/// A request to write with <see cref="KeylessWriter.WriteRequest"/>. The opcode and payload
/// items are always written; every other item only when non-empty.
/// </summary>
public readonly ref struct KeylessRequest
{
    /// <summary>The operation.</summary>
    public KeylessOpcode Opcode { get; init; }

    /// <summary>The digest to sign, the ciphertext to decrypt, or the ping data (may be empty).</summary>
    public ReadOnlySpan<byte> Payload { get; init; }

    /// <summary>The SKI: empty or 20 bytes.</summary>
    public ReadOnlySpan<byte> Ski { get; init; }

    /// <summary>The certificate digest: empty or 32 bytes.</summary>
    public ReadOnlySpan<byte> CertificateDigest { get; init; }

    /// <summary>The SNI, as the TLS client sent it.</summary>
    public ReadOnlySpan<byte> ServerName { get; init; }

    /// <summary>The client IP: empty, 4 or 16 bytes.</summary>
    public ReadOnlySpan<byte> ClientIp { get; init; }

    /// <summary>The server IP: empty, 4 or 16 bytes.</summary>
    public ReadOnlySpan<byte> ServerIp { get; init; }

    /// <summary>The opaque certificate id.</summary>
    public ReadOnlySpan<byte> CertificateId { get; init; }

    /// <summary>The custom function name (for <see cref="KeylessOpcode.CustomFunction"/>).</summary>
    public ReadOnlySpan<byte> CustomFunctionName { get; init; }

    /// <summary>The supplemental payload.</summary>
    public ReadOnlySpan<byte> SupplementalPayload { get; init; }

    /// <summary>The tracing span context.</summary>
    public ReadOnlySpan<byte> SpanContext { get; init; }
}
