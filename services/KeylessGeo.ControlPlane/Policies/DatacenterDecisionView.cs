namespace KeylessGeo.ControlPlane.Policies;

/// <summary>The evaluator's decision for one datacenter.</summary>
/// <param name="Datacenter">The datacenter id.</param>
/// <param name="Permitted">Whether the policy permits it.</param>
/// <param name="Explanation">Why, e.g. <c>dc fra1 permitted: region EU matched 'region: EU'</c>.</param>
public sealed record DatacenterDecisionView(string Datacenter, bool Permitted, string Explanation);
