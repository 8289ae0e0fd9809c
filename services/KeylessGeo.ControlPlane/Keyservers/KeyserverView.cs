using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Keyservers;

/// <summary>A live keyserver lease.</summary>
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

    public required DateTimeOffset RenewedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}
