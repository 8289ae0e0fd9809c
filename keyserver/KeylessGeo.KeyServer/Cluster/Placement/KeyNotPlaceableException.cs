using Orleans;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// No live silo of this cluster may hold the key: its policy permits no datacenter of the
/// region, or none of the permitted datacenters has a keyserver up. Thrown by placement and
/// by a key grain's activation; it reaches the caller with its type, and routing then forwards
/// the request to another region or answers it.
/// </summary>
[GenerateSerializer]
[Alias("keylessgeo.key-not-placeable")]
public sealed class KeyNotPlaceableException : Exception
{
    public KeyNotPlaceableException()
    {
    }

    public KeyNotPlaceableException(string message)
        : base(message)
    {
    }

    public KeyNotPlaceableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// True when a silo refused an activation placed on it (its datacenter may no longer hold the
    /// key); false when placement found no permitted silo at all.
    /// </summary>
    [Id(0)]
    public bool IsActivationRefusal { get; init; }
}
