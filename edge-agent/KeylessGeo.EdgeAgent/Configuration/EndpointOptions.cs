namespace KeylessGeo.EdgeAgent.Configuration;

/// <summary>
/// Where TLS terminators reach the agent (configuration section <c>Endpoint</c>): the Keyless
/// protocol and gRPC, each on a Unix domain socket and/or a loopback TCP port, without TLS: who
/// may connect is decided by the sockets' file permissions and by loopback.
/// </summary>
public sealed record EndpointOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Endpoint";

    /// <summary>The Keyless protocol's Unix socket; empty for none.</summary>
    public string KeylessUnixSocket { get; init; } = "/run/keylessgeo/edge-agent.keyless.sock";

    /// <summary>The Keyless protocol's loopback port; 0 picks a free port, -1 (the default) for none.</summary>
    public int KeylessPort { get; init; } = -1;

    /// <summary>The gRPC Unix socket; empty for none.</summary>
    public string GrpcUnixSocket { get; init; } = "/run/keylessgeo/edge-agent.grpc.sock";

    /// <summary>The gRPC loopback port (HTTP/2 without TLS); 0 picks a free port, -1 (the default) for none.</summary>
    public int GrpcPort { get; init; } = -1;

    /// <summary>
    /// The Unix sockets' file mode, octal (default <c>0660</c>: the agent's user and group). Put the
    /// terminator's user in the agent's group; keep the socket directory closed to others.
    /// </summary>
    public string SocketMode { get; init; } = "0660";
}
