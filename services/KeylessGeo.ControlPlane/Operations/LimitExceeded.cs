namespace KeylessGeo.ControlPlane.Operations;

/// <summary>Which limit a refused change would have crossed (see <see cref="ControlPlaneLimits"/>).</summary>
/// <param name="Setting">The setting, e.g. <c>ControlPlane:Limits:MaxPolicies</c>.</param>
/// <param name="Limit">Its value.</param>
/// <param name="Current">How many the store holds now (for a per-request limit: how many the request would write).</param>
/// <param name="Requested">How many the change would add (for a per-request limit: the same as <paramref name="Current"/>).</param>
public sealed record LimitExceeded(string Setting, int Limit, int Current, int Requested);
