using KeylessGeo.KeyServer.Diagnostics;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>Names of the forwarding instruments and tags (on the keyserver's meter, <see cref="KeyServerInstruments.MeterName"/>).</summary>
public static class ForwardingInstruments
{
    /// <summary>Counter of forwarded requests, tagged by <see cref="KeyServerInstruments.ErrorCodeTag"/> ("OK" on success) and <see cref="AnsweredByTag"/>.</summary>
    public const string Requests = "keylessgeo.keyserver.forwarding.requests";

    /// <summary>Histogram (seconds) of a forwarded request from its first attempt to its answer, tagged like <see cref="Requests"/>.</summary>
    public const string Duration = "keylessgeo.keyserver.forwarding.duration";

    /// <summary>Counter of requests sent to remote keyservers, tagged by <see cref="AttemptOutcomeTag"/>.</summary>
    public const string Attempts = "keylessgeo.keyserver.forwarding.attempts";

    /// <summary>Counter of upstreams passed over because their circuit was open.</summary>
    public const string CircuitSkips = "keylessgeo.keyserver.forwarding.circuit_skips";

    /// <summary>Counter of circuit state changes, tagged by <see cref="CircuitStateTag"/>.</summary>
    public const string CircuitTransitions = "keylessgeo.keyserver.forwarding.circuit_transitions";

    /// <summary>Gauge: remote keyservers in the directory's current view.</summary>
    public const string DirectoryKeyservers = "keylessgeo.keyserver.forwarding.directory.keyservers";

    /// <summary>Counter of failed directory refreshes (the last good view stays in force).</summary>
    public const string DirectoryFailures = "keylessgeo.keyserver.forwarding.directory.failures";

    /// <summary>Tag: "remote" (a remote keyserver's answer, passed through) or "forwarder" (no answer; this keyserver's error).</summary>
    public const string AnsweredByTag = "keylessgeo.forwarding.answered_by";

    /// <summary>Tag: "answered", "connection_failed", "timed_out", "upstream_failed" or "deadline_exceeded".</summary>
    public const string AttemptOutcomeTag = "keylessgeo.forwarding.attempt.outcome";

    /// <summary>Tag: the state a circuit moved to, "open", "half_open" or "closed".</summary>
    public const string CircuitStateTag = "keylessgeo.forwarding.circuit.state";
}
