namespace KeylessGeo.Keyless.Protocol;

/// <summary>The tag of a TLV item in a Keyless message body.</summary>
public enum KeylessTag : byte
{
    /// <summary>SHA-256 over the uppercase hex text of the RSA modulus (32 bytes).</summary>
    CertificateDigest = 0x01,

    /// <summary>The SNI (server name) sent by the TLS client: any bytes, possibly invalid or very long.</summary>
    ServerName = 0x02,

    /// <summary>The TLS client's IP address (4 or 16 bytes).</summary>
    ClientIp = 0x03,

    /// <summary>The SKI: SHA-1 of the subjectPublicKey bit string of the key's SubjectPublicKeyInfo (20 bytes).</summary>
    Ski = 0x04,

    /// <summary>The IP address the TLS client connected to (4 or 16 bytes).</summary>
    ServerIp = 0x05,

    /// <summary>An opaque certificate id.</summary>
    CertificateId = 0x06,

    /// <summary>The operation (1 byte, a <see cref="KeylessOpcode"/>).</summary>
    Opcode = 0x11,

    /// <summary>The digest to sign, the ciphertext to decrypt, the ping data, or the result of a response.</summary>
    Payload = 0x12,

    /// <summary>The custom function name (for <see cref="KeylessOpcode.CustomFunction"/>).</summary>
    CustomFunctionName = 0x13,

    /// <summary>A supplemental payload whose meaning is agreed out of band.</summary>
    SupplementalPayload = 0x14,

    /// <summary>An opaque tracing span context.</summary>
    SpanContext = 0x15,

    /// <summary>Padding: the content is meaningless.</summary>
    Padding = 0x20,
}
