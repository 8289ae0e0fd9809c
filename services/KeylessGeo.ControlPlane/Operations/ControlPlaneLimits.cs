namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// How many policies and keys the control plane keeps, and how many one request may write
/// (configuration section <c>ControlPlane:Limits</c>). Every commit rewrites the embedded store's
/// state file and every keyserver re-reads the changed records, so the totals bound the cost of
/// each commit and of following the store. The per-request limits bound the work of one request
/// (a topology replacement re-wraps the key of every policy whose permitted set changes, a policy-key
/// rotation re-wraps every key under the policy). They default to the totals: set lower, an
/// emergency change that touches every policy (removing a compromised datacenter) is refused
/// until the limit is raised.
/// </summary>
public sealed record ControlPlaneLimits
{
    /// <summary>The configuration section, for error messages that name a setting.</summary>
    public const string SectionName = "ControlPlane:Limits";

    /// <summary>The most policies the store may hold (default 1,000).</summary>
    public int MaxPolicies { get; init; } = 1_000;

    /// <summary>The most keys the store may hold (default 10,000).</summary>
    public int MaxKeys { get; init; } = 10_000;

    /// <summary>The most policy records one request may create or rewrite (default 1,000, the total).</summary>
    public int MaxPoliciesPerRequest { get; init; } = 1_000;

    /// <summary>The most key records one request may create or rewrite (default 10,000, the total).</summary>
    public int MaxKeysPerRequest { get; init; } = 10_000;

    /// <summary>Every problem with these limits, each naming its setting under <paramref name="section"/>; empty when valid.</summary>
    public IReadOnlyList<string> Validate(string section = SectionName)
    {
        var errors = new List<string>();
        Positive(errors, section, nameof(MaxPolicies), MaxPolicies);
        Positive(errors, section, nameof(MaxKeys), MaxKeys);
        Positive(errors, section, nameof(MaxPoliciesPerRequest), MaxPoliciesPerRequest);
        Positive(errors, section, nameof(MaxKeysPerRequest), MaxKeysPerRequest);
        AtMost(errors, section, nameof(MaxPoliciesPerRequest), MaxPoliciesPerRequest, nameof(MaxPolicies), MaxPolicies);
        AtMost(errors, section, nameof(MaxKeysPerRequest), MaxKeysPerRequest, nameof(MaxKeys), MaxKeys);
        return errors;
    }

    private static void Positive(List<string> errors, string section, string name, int value)
    {
        if (value < 1)
        {
            errors.Add($"{section}:{name} {value} must be at least 1.");
        }
    }

    private static void AtMost(List<string> errors, string section, string name, int value, string totalName, int total)
    {
        if (value > total && total >= 1)
        {
            errors.Add($"{section}:{name} {value} is more than {section}:{totalName} {total}; a request never writes more records than the store holds.");
        }
    }
}
