using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Hosting;

/// <summary>Who answers on the listeners: the id and datacenter named in responses' <c>served_by</c>.</summary>
/// <param name="Id">The keyserver or edge-agent id.</param>
/// <param name="Datacenter">Its datacenter.</param>
public sealed record ServingIdentity(string Id, string Datacenter)
{
    /// <summary>A fresh <see cref="ServedBy"/> message naming this identity.</summary>
    public ServedBy ToServedBy() => new() { KeyserverId = Id, Datacenter = Datacenter };
}
