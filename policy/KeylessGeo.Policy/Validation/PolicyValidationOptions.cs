namespace KeylessGeo.Policy.Validation;

/// <summary>
/// How strict <see cref="PolicyValidator"/> is about the size of the permitted set.
/// </summary>
public sealed record PolicyValidationOptions
{
    /// <summary>The default options: at least one datacenter, not forced.</summary>
    public static PolicyValidationOptions Default { get; } = new();

    /// <summary>
    /// The fewest datacenters a policy must permit (default 1). A policy permitting fewer is
    /// rejected unless <see cref="Force"/> is set. Must not be negative.
    /// </summary>
    public int MinimumDatacenters { get; init; } = 1;

    /// <summary>
    /// Accept a policy that permits no datacenter or fewer than <see cref="MinimumDatacenters"/>;
    /// the shortfall is then reported as a warning instead of an error. Does not excuse other errors.
    /// </summary>
    public bool Force { get; init; }
}
