namespace KeylessGeo.Serving.Keyless;

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

    /// <summary>Nothing was received from or read by the client for <c>IdleTimeout</c>, with no request at the signing core.</summary>
    IdleTimeout,

    /// <summary>A message began to arrive but was not complete within <c>PartialMessageTimeout</c>.</summary>
    PartialMessageTimeout,

    /// <summary>The connection held more than its fair share of a spent response budget for the grace period.</summary>
    ResponseBudget,
}
