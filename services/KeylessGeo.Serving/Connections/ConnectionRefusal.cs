namespace KeylessGeo.Serving.Connections;

/// <summary>Which limit refused a connection.</summary>
internal enum ConnectionRefusal
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>The process keeps its remaining file descriptors in reserve (<see cref="DescriptorBudget"/>).</summary>
    Descriptors,

    /// <summary>The endpoint serves <see cref="ConnectionLimits.MaxConnections"/> already.</summary>
    Endpoint,

    /// <summary>The client identity holds <see cref="ConnectionLimits.MaxConnectionsPerClient"/> already.</summary>
    Client,
}
