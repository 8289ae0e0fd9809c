namespace KeylessGeo.ControlPlane.Operations;

/// <summary>The rules the service layer enforces (bound from <c>ControlPlane</c> by the host).</summary>
public sealed record ControlPlaneServiceOptions
{
    /// <summary>
    /// The fewest datacenters a policy must permit, for policy changes and topology changes alike
    /// (default 1). Fewer is refused unless the operation is forced.
    /// </summary>
    public int MinimumPermittedDatacenters { get; init; } = 1;

    /// <summary>How many policies and keys the store may hold, and one request may write.</summary>
    public ControlPlaneLimits Limits { get; init; } = new();
}
