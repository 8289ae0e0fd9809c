using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// One private-key operation to send with <see cref="KeylessClient"/>: the opcode, the payload,
/// and the identifiers the server uses to find the key. Empty identifiers are not sent. As with
/// <c>Stream.WriteAsync</c>, the memory must stay unchanged until the call completes: a request
/// retried after a connection failure is serialized again.
/// </summary>
public readonly struct KeylessOperationRequest
{
    /// <summary>The operation (a sign, decrypt or ping opcode; never 0xF0, 0xF2 or 0xFF).</summary>
    public KeylessOpcode Opcode { get; init; }

    /// <summary>The digest to sign, the ciphertext to decrypt, or the message for Ed25519.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The SKI (20 bytes), looked up first.</summary>
    public ReadOnlyMemory<byte> Ski { get; init; }

    /// <summary>The certificate digest (32 bytes): SHA-256 of the RSA modulus as uppercase hex.</summary>
    public ReadOnlyMemory<byte> CertificateDigest { get; init; }

    /// <summary>The SNI exactly as the TLS client sent it (any bytes).</summary>
    public ReadOnlyMemory<byte> ServerName { get; init; }

    /// <summary>The TLS client's IP address (4 or 16 bytes).</summary>
    public ReadOnlyMemory<byte> ClientIp { get; init; }

    /// <summary>The IP address the TLS client connected to (4 or 16 bytes).</summary>
    public ReadOnlyMemory<byte> ServerIp { get; init; }

    /// <summary>An opaque certificate id.</summary>
    public ReadOnlyMemory<byte> CertificateId { get; init; }

    /// <summary>The custom function name (for <see cref="KeylessOpcode.CustomFunction"/>).</summary>
    public ReadOnlyMemory<byte> CustomFunctionName { get; init; }

    /// <summary>A supplemental payload whose meaning is agreed with the server.</summary>
    public ReadOnlyMemory<byte> SupplementalPayload { get; init; }

    /// <summary>An opaque tracing span context.</summary>
    public ReadOnlyMemory<byte> SpanContext { get; init; }

    /// <summary>The codec's view of this request, for <see cref="KeylessWriter.WriteRequest"/>.</summary>
    internal KeylessRequest ToWire() => new()
    {
        Opcode = Opcode,
        Payload = Payload.Span,
        Ski = Ski.Span,
        CertificateDigest = CertificateDigest.Span,
        ServerName = ServerName.Span,
        ClientIp = ClientIp.Span,
        ServerIp = ServerIp.Span,
        CertificateId = CertificateId.Span,
        CustomFunctionName = CustomFunctionName.Span,
        SupplementalPayload = SupplementalPayload.Span,
        SpanContext = SpanContext.Span,
    };
}
