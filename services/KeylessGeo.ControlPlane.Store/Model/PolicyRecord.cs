using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>
/// The current version of one policy: its text, the datacenters it permits under the topology
/// of its version, and its policy key wrapped to each of them. Older versions live in the audit log.
/// </summary>
public sealed record PolicyRecord
{
    public required string Id { get; init; }

    /// <summary>Starts at 1; every update adds one.</summary>
    public required long Version { get; init; }

    /// <summary>The policy in the text language (canonical printed form).</summary>
    public required string Text { get; init; }

    public string Author { get; init; } = "";

    public string Comment { get; init; } = "";

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Which policy key is current; rotation adds one and re-wraps the policy's keys.</summary>
    public required int KeyGeneration { get; init; }

    /// <summary>Datacenter ids the policy permits, sorted.</summary>
    public ImmutableArray<string> PermittedDatacenters { get; init; } = [];

    /// <summary>The current policy key wrapped to each permitted datacenter (one per id).</summary>
    public ImmutableArray<WrappedPolicyKey> WrappedKeys { get; init; } = [];

    /// <summary>
    /// The current policy key wrapped to the control plane's own wrapping key, so it can wrap
    /// newly imported keys and re-wrap the policy key when the permitted set changes.
    /// <see cref="WrappedPolicyKey.DatacenterId"/> is <see cref="WrappedPolicyKey.ControlPlaneDatacenterId"/>.
    /// </summary>
    public required WrappedPolicyKey ControlPlaneCopy { get; init; }
}
