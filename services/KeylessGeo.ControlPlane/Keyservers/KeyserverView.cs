using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Keyservers;

/// <summary>A live keyserver lease, with where it stands in its Orleans cluster.</summary>
public sealed record KeyserverView
{
    public required string KeyserverId { get; init; }

    public required string Datacenter { get; init; }

    public ImmutableArray<string> Endpoints { get; init; } = [];

    /// <summary>Measured operations per second per algorithm name.</summary>
    public ImmutableSortedDictionary<string, double> Capacity { get; init; } = ImmutableSortedDictionary<string, double>.Empty;

    public required string Accelerator { get; init; }

    /// <summary>The store revision the keyserver has applied.</summary>
    public required long AppliedRevision { get; init; }

    /// <summary>The Orleans cluster its silo belongs to; empty when it hosts no silo.</summary>
    public required string ClusterId { get; init; }

    /// <summary>
    /// Whether its cluster's freshest view lists it as an active member: false when a newer view
    /// does not (declared dead or not joined), null when no view says (no silo, or none newer).
    /// </summary>
    public required bool? ClusterActive { get; init; }

    public required DateTimeOffset RenewedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}
