using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>The control plane's configuration (section <c>ControlPlane</c>).</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "ControlPlane";

    /// <summary>The store.</summary>
    public StoreOptions Store { get; init; } = new();

    /// <summary>
    /// The control plane's own wrapping key (PKCS#8 PEM, P-256, mode 0600); created on first start.
    /// Every policy key is wrapped to it. Losing it means no policy can be changed or key imported
    /// until every policy is recreated: back it up like a CA key.
    /// </summary>
    public string WrappingKeyPath { get; init; } = "";

    /// <summary>The fewest datacenters a policy must permit unless forced (default 1).</summary>
    public int MinimumPermittedDatacenters { get; init; } = 1;

    /// <summary>How many policies and keys the store may hold, and one request may write (section <c>ControlPlane:Limits</c>).</summary>
    public ControlPlaneLimits Limits { get; init; } = new();

    /// <summary>Where the HTTP API listens.</summary>
    public ControlPlaneListenOptions Listen { get; init; } = new();

    /// <summary>Who may do what: roles per certificate subject, uid or user name.</summary>
    public AccessOptions Access { get; init; } = new();
}
