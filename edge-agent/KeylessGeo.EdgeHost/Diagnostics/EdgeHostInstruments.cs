namespace KeylessGeo.EdgeHost.Diagnostics;

/// <summary>Names of the edge host's meter, instruments and tags.</summary>
public static class EdgeHostInstruments
{
    /// <summary>The meter every edge-host instrument belongs to.</summary>
    public const string MeterName = "KeylessGeo.EdgeHost";

    /// <summary>Counter of TLS handshakes by <see cref="OutcomeTag"/> (and <see cref="ReasonTag"/> for refusals).</summary>
    public const string Handshakes = "keylessgeo.edge_host.handshakes";

    /// <summary>Histogram (seconds) of a handshake from taking its slot to its end, by <see cref="OutcomeTag"/>.</summary>
    public const string HandshakeDuration = "keylessgeo.edge_host.handshake.duration";

    /// <summary>Gauge: handshakes in progress (each keyless one may hold a thread).</summary>
    public const string HandshakesInProgress = "keylessgeo.edge_host.handshakes.in_progress";

    /// <summary>Gauge: connections waiting for a handshake slot.</summary>
    public const string HandshakesQueued = "keylessgeo.edge_host.handshakes.queued";

    /// <summary>Tag: "completed", "failed" (the handshake did not finish: bad client, key unavailable, timeout) or "refused" (no slot).</summary>
    public const string OutcomeTag = "keylessgeo.handshake.outcome";

    /// <summary>Tag on refusals: "queue_full" or "queue_timeout".</summary>
    public const string ReasonTag = "keylessgeo.handshake.refusal";
}
