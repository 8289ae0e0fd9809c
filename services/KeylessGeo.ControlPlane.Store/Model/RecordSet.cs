using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>
/// Records read by id, all as they are at one revision; each collection is sorted by id. An id
/// that was asked for and is absent does not exist at <see cref="Revision"/> (it was deleted, or
/// never committed).
/// </summary>
public sealed record RecordSet
{
    /// <summary>The revision every record was read at.</summary>
    public required long Revision { get; init; }

    public ImmutableArray<DatacenterRecord> Datacenters { get; init; } = [];

    public ImmutableArray<WrappingKeyRecord> WrappingKeys { get; init; } = [];

    public ImmutableArray<PolicyRecord> Policies { get; init; } = [];

    public ImmutableArray<ManagedKeyRecord> Keys { get; init; } = [];

    /// <summary>How many records were found.</summary>
    public int Count => Datacenters.Length + WrappingKeys.Length + Policies.Length + Keys.Length;
}
