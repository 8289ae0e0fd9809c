namespace KeylessGeo.ControlPlane.Policies;

/// <summary>A dry run: evaluate a policy against the current topology, optionally as a change to an existing policy.</summary>
public sealed record ExplainPolicyRequest
{
    /// <summary>The policy, as text or JSON.</summary>
    public required PolicyInput Policy { get; init; }

    /// <summary>When set, the result also shows the change from this existing policy.</summary>
    public string? PolicyId { get; init; }

    /// <summary>Judge the permitted-set size as a forced change would.</summary>
    public bool Force { get; init; }
}
