namespace KeylessGeo.Transport.Kestrel;

/// <summary>Which of <see cref="GrpcListenOptions"/>' endpoints a connection hook is configuring.</summary>
public enum GrpcEndpointKind
{
    /// <summary>The mutual-TLS endpoint (<see cref="GrpcListenOptions.TlsEndpoint"/>): clients are identified by their certificate.</summary>
    MutualTls,

    /// <summary>The plaintext loopback endpoint (<see cref="GrpcListenOptions.PlaintextEndpoint"/>): no client identity.</summary>
    Plaintext,

    /// <summary>The Unix domain socket (<see cref="GrpcListenOptions.UnixSocketPath"/>): no client identity.</summary>
    UnixSocket,
}
