namespace KeylessGeo.EdgeAgent.Configuration;

/// <summary>Who the agent is and what a request may cost (configuration section <c>Agent</c>).</summary>
public sealed record AgentOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Agent";

    /// <summary>The agent's id, named in logs, metrics and in <c>served_by</c> of answers it gives itself.</summary>
    public string Id { get; init; } = "";

    /// <summary>The datacenter the agent runs in: its upstreams are this datacenter's keyservers.</summary>
    public string Datacenter { get; init; } = "";

    /// <summary>
    /// A request's budget when its caller gives none (Keyless-protocol requests never do; gRPC ones
    /// may, through <c>grpc-timeout</c> or <c>timeout_ms</c>). A TLS handshake waits for it.
    /// </summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromSeconds(1);
}
