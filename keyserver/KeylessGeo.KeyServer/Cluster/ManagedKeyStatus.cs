namespace KeylessGeo.KeyServer.Cluster;

/// <summary>What a managed key is in this datacenter.</summary>
internal enum ManagedKeyStatus
{
    /// <summary>Its policy permits this datacenter and this keyserver can open it.</summary>
    Servable,

    /// <summary>Its policy does not permit this datacenter; lookups answer <c>POLICY_DENIED</c>.</summary>
    Denied,

    /// <summary>Permitted, but this keyserver cannot open it (e.g. wrapped for another wrapping key); lookups answer <c>INTERNAL</c>.</summary>
    Unavailable,
}
