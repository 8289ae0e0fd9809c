namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>Why one forwarding attempt got no answer from its upstream.</summary>
internal enum AttemptFailure
{
    /// <summary>The upstream answered (a result or a per-request error).</summary>
    None,

    /// <summary>No connection, a broken connection, or gRPC <c>UNAVAILABLE</c>: retried elsewhere, counted by the breaker.</summary>
    ConnectionFailed,

    /// <summary>The per-attempt timeout passed: retried elsewhere, counted by the breaker.</summary>
    TimedOut,

    /// <summary>
    /// The call ended with another gRPC status that says the upstream cannot serve us (internal,
    /// unknown, unimplemented, unauthenticated …): retried elsewhere, counted by the breaker.
    /// </summary>
    UpstreamFailed,

    /// <summary>The request's deadline passed: not retried (no time is left).</summary>
    DeadlineExceeded,

    /// <summary>Every candidate's circuit is open: nothing was sent, not retried.</summary>
    AllCircuitsOpen,
}
