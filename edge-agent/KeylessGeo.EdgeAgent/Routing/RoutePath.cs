namespace KeylessGeo.EdgeAgent.Routing;

/// <summary>Which path answered a request (a metric tag).</summary>
internal enum RoutePath
{
    /// <summary>The keyserver on this node.</summary>
    Local,

    /// <summary>Another keyserver of the datacenter.</summary>
    Datacenter,

    /// <summary>No keyserver: the agent answered itself (overloaded, none available, deadline already passed).</summary>
    None,
}
