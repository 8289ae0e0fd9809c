namespace KeylessGeo.Keyless.Codec;

/// <summary>The known items present in a message body.</summary>
[Flags]
public enum KeylessItems
{
    /// <summary>No known item.</summary>
    None = 0,

    /// <summary>Certificate digest (tag 0x01).</summary>
    CertificateDigest = 1 << 0,

    /// <summary>Server name (tag 0x02).</summary>
    ServerName = 1 << 1,

    /// <summary>Client IP (tag 0x03).</summary>
    ClientIp = 1 << 2,

    /// <summary>SKI (tag 0x04).</summary>
    Ski = 1 << 3,

    /// <summary>Server IP (tag 0x05).</summary>
    ServerIp = 1 << 4,

    /// <summary>Certificate id (tag 0x06).</summary>
    CertificateId = 1 << 5,

    /// <summary>Opcode (tag 0x11).</summary>
    Opcode = 1 << 6,

    /// <summary>Payload (tag 0x12).</summary>
    Payload = 1 << 7,

    /// <summary>Custom function name (tag 0x13).</summary>
    CustomFunctionName = 1 << 8,

    /// <summary>Supplemental payload (tag 0x14).</summary>
    SupplementalPayload = 1 << 9,

    /// <summary>Span context (tag 0x15).</summary>
    SpanContext = 1 << 10,

    /// <summary>At least one padding item (tag 0x20; may repeat).</summary>
    Padding = 1 << 11,
}
