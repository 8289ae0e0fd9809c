namespace KeylessGeo.Policy.Validation;

/// <summary>The stable codes of <see cref="PolicyIssue"/>.</summary>
public static class PolicyIssueCodes
{
    /// <summary>Error: <c>region:</c> names a region not in <c>RegionCodes</c>.</summary>
    public const string UnknownRegion = "unknown-region";

    /// <summary>Error: <c>country:</c> names a code that is not an assigned ISO 3166-1 alpha-2 code.</summary>
    public const string UnknownCountry = "unknown-country";

    /// <summary>Error: <c>dc:</c> names a datacenter not in the topology.</summary>
    public const string UnknownDatacenter = "unknown-datacenter";

    /// <summary>Error: a <c>tier:</c> or <c>label:</c> value is not a valid identifier.</summary>
    public const string InvalidIdentifier = "invalid-identifier";

    /// <summary>Warning: a <c>tier:</c> value no datacenter has.</summary>
    public const string UnusedTier = "unused-tier";

    /// <summary>Warning: a <c>label:</c> value no datacenter has.</summary>
    public const string UnusedLabel = "unused-label";

    /// <summary>Error (warning when forced): the policy permits no datacenter.</summary>
    public const string NoDatacenter = "no-datacenter";

    /// <summary>Error (warning when forced): the policy permits fewer datacenters than the minimum.</summary>
    public const string BelowMinimum = "below-minimum";
}
