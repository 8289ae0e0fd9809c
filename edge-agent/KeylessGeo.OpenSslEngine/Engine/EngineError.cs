namespace KeylessGeo.OpenSslEngine.Engine;

/// <summary>The engine's OpenSSL error reasons (the reason part of the packed error code).</summary>
internal enum EngineError
{
    /// <summary>A setting (control command or environment variable) is not valid.</summary>
    InvalidSetting = 100,

    /// <summary>The key id's certificate could not be read.</summary>
    CertificateUnreadable = 101,

    /// <summary>The certificate's key is neither RSA nor EC.</summary>
    UnsupportedKeyType = 102,

    /// <summary>No connection to the edge agent could be opened.</summary>
    AgentUnreachable = 103,

    /// <summary>The operation did not finish within the deadline.</summary>
    DeadlineExceeded = 104,

    /// <summary>The edge agent answered with a Keyless error code.</summary>
    KeyserverError = 105,

    /// <summary>The caller asked for an operation, padding or digest the engine does not offer.</summary>
    UnsupportedOperation = 106,

    /// <summary>The edge agent's answer was malformed or the connection broke mid-answer.</summary>
    ProtocolError = 107,

    /// <summary>An unexpected failure inside the engine.</summary>
    Internal = 108,
}
