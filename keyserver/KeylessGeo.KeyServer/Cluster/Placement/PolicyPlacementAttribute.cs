using Orleans.Placement;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>Marks a grain class as placed by <see cref="PolicyPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PolicyPlacementAttribute : PlacementAttribute
{
    public PolicyPlacementAttribute()
        : base(PolicyPlacementStrategy.Instance)
    {
    }
}
