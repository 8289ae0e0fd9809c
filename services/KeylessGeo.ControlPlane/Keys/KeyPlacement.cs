using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>Where a key can be used, and which keyservers are serving it now.</summary>
public sealed record KeyPlacement
{
    public required string KeyId { get; init; }

    public required int KeyVersion { get; init; }

    public required string PolicyId { get; init; }

    public required long PolicyVersion { get; init; }

    public required string PolicyText { get; init; }

    public required int PolicyKeyGeneration { get; init; }

    /// <summary>The revision this answer was read at.</summary>
    public required long Revision { get; init; }

    /// <summary>
    /// The revision at which the key's current state (its record or its policy's) was committed;
    /// a keyserver that has applied it serves the current state.
    /// </summary>
    public required long StateRevision { get; init; }

    /// <summary>
    /// False when the change feed no longer reaches back to that commit; <see cref="StateRevision"/>
    /// is then an upper bound (a keyserver at or past it certainly has the current state).
    /// </summary>
    public required bool StateRevisionExact { get; init; }

    /// <summary>Every datacenter of the topology, in id order.</summary>
    public required ImmutableArray<DatacenterPlacement> Datacenters { get; init; }

    /// <summary>Live keyservers in permitted datacenters.</summary>
    public required ImmutableArray<KeyserverPlacement> Keyservers { get; init; }
}
