namespace KeylessGeo.Keyless.Protocol;

/// <summary>The 1-byte error code carried by an <see cref="KeylessOpcode.Error"/> response.</summary>
public enum KeylessError : byte
{
    /// <summary>The private-key operation failed.</summary>
    CryptographyFailure = 0x01,

    /// <summary>No key matches the request's SKI, certificate digest, SNI or server IP.</summary>
    KeyNotFound = 0x02,

    /// <summary>The server could not read the request.</summary>
    ReadError = 0x03,

    /// <summary>The message's major version is not 1.</summary>
    VersionMismatch = 0x04,

    /// <summary>The opcode is not one the server knows or supports.</summary>
    BadOpcode = 0x05,

    /// <summary>A response opcode (<see cref="KeylessOpcode.Response"/>, <see cref="KeylessOpcode.Pong"/> or <see cref="KeylessOpcode.Error"/>) was sent as a request.</summary>
    UnexpectedOpcode = 0x06,

    /// <summary>The message or one of its items is malformed.</summary>
    FormatError = 0x07,

    /// <summary>The server failed for a reason of its own (including transient failures).</summary>
    InternalError = 0x08,

    /// <summary>No certificate matches the request.</summary>
    CertificateNotFound = 0x09,

    /// <summary>The key or certificate has expired.</summary>
    Expired = 0x0A,

    /// <summary>The server's remote configuration is in error.</summary>
    RemoteConfigurationError = 0x0B,
}
