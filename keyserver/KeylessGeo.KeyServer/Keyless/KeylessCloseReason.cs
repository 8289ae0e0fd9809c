namespace KeylessGeo.KeyServer.Keyless;

/// <summary>Why a Keyless connection ended.</summary>
internal enum KeylessCloseReason
{
    /// <summary>The client closed its side; every request read was answered.</summary>
    ClientClosed,

    /// <summary>A framing error (unsupported version, body too long) made the stream unreadable.</summary>
    FramingError,

    /// <summary>The server is stopping; every request read was answered.</summary>
    ServerStopping,

    /// <summary>The transport failed (reset, aborted) or the client stopped reading responses.</summary>
    TransportFailed,
}
