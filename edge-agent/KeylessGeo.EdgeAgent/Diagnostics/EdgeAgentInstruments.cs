namespace KeylessGeo.EdgeAgent.Diagnostics;

/// <summary>Names of the agent's meter, activity source, instruments and tags.</summary>
public static class EdgeAgentInstruments
{
    /// <summary>The meter every agent instrument belongs to (the shared listeners' too).</summary>
    public const string MeterName = "KeylessGeo.EdgeAgent";

    /// <summary>Counter of requests answered, tagged by operation, path and result.</summary>
    public const string Requests = "keylessgeo.edge_agent.requests";

    /// <summary>Histogram (seconds) from a request's arrival to its answer, tagged like <see cref="Requests"/>.</summary>
    public const string RequestDuration = "keylessgeo.edge_agent.request.duration";

    /// <summary>Counter of attempts sent to keyservers, tagged by upstream, path and outcome: where traffic went.</summary>
    public const string Attempts = "keylessgeo.edge_agent.attempts";

    /// <summary>Counter of retries to another keyserver (datacenter path only).</summary>
    public const string Retries = "keylessgeo.edge_agent.retries";

    /// <summary>Counter of requests that did not take the node-local path, tagged by <see cref="ReasonTag"/>.</summary>
    public const string LocalBypassed = "keylessgeo.edge_agent.local.bypassed";

    /// <summary>Counter of circuit-breaker transitions, tagged by upstream and <see cref="BreakerStateTag"/>.</summary>
    public const string BreakerTransitions = "keylessgeo.edge_agent.breaker.transitions";

    /// <summary>Gauge: requests in flight per upstream.</summary>
    public const string InFlight = "keylessgeo.edge_agent.upstream.in_flight";

    /// <summary>Gauge: 1 while an upstream's breaker is open, else 0.</summary>
    public const string BreakerOpen = "keylessgeo.edge_agent.upstream.breaker_open";

    /// <summary>Gauge: an upstream's weight (advertised capacity).</summary>
    public const string Weight = "keylessgeo.edge_agent.upstream.weight";

    /// <summary>Tag: the operation (contract enum name).</summary>
    public const string OperationTag = "keylessgeo.operation";

    /// <summary>Tag: the path, "local", "datacenter" or "none".</summary>
    public const string PathTag = "keylessgeo.path";

    /// <summary>Tag: the error code, "OK" on success.</summary>
    public const string ResultTag = "keylessgeo.error.code";

    /// <summary>Tag: the keyserver id of an upstream.</summary>
    public const string UpstreamTag = "keylessgeo.upstream";

    /// <summary>Tag: how an attempt ended: "answered", "not_sent", "broken", "timeout" or "breaker_open".</summary>
    public const string OutcomeTag = "keylessgeo.attempt.outcome";

    /// <summary>Tag: why the node-local path was not taken: "unavailable", "saturated" or "unreachable".</summary>
    public const string ReasonTag = "keylessgeo.reason";

    /// <summary>Tag: "open" or "closed".</summary>
    public const string BreakerStateTag = "keylessgeo.breaker.state";
}
