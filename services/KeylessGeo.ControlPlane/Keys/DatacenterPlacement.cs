namespace KeylessGeo.ControlPlane.Keys;

/// <summary>Whether a key can be used in one datacenter, and why.</summary>
public sealed record DatacenterPlacement
{
    public required string Datacenter { get; init; }

    /// <summary>Whether the key's policy permits the datacenter.</summary>
    public required bool Permitted { get; init; }

    /// <summary>The evaluator's explanation, e.g. <c>dc fra1 permitted: region EU matched 'region: EU'</c>.</summary>
    public required string Explanation { get; init; }

    /// <summary>Whether the datacenter holds a wrapped copy of the policy's current key (it can open the key).</summary>
    public required bool HoldsPolicyKey { get; init; }

    /// <summary>The wrapping key the copy was made for, when there is one.</summary>
    public string? WrappingKeyFingerprint { get; init; }

    /// <summary><c>holds-key</c>, <c>awaiting-wrapping-key</c> (permitted, no registered wrapping key) or <c>denied</c>.</summary>
    public required string Status { get; init; }
}
