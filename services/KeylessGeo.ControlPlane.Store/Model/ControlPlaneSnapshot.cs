using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>Everything but leases and audit, at one revision. Collections are sorted by id.</summary>
public sealed record ControlPlaneSnapshot
{
    // Id indexes built on first use; not part of the record's value (see Equals).
    private SnapshotLookup<PolicyRecord>? _policyLookup;
    private SnapshotLookup<ManagedKeyRecord>? _keyLookup;
    private SnapshotLookup<DatacenterRecord>? _datacenterLookup;
    private SnapshotLookup<WrappingKeyRecord>? _wrappingKeyLookup;

    public static ControlPlaneSnapshot Empty { get; } = new() { Revision = 0 };

    public required long Revision { get; init; }

    public ImmutableArray<DatacenterRecord> Datacenters { get; init; } = [];

    public ImmutableArray<WrappingKeyRecord> WrappingKeys { get; init; } = [];

    public ImmutableArray<PolicyRecord> Policies { get; init; } = [];

    public ImmutableArray<ManagedKeyRecord> Keys { get; init; } = [];

    /// <summary>The policy with <paramref name="id"/>; O(1) after the first lookup on a large snapshot.</summary>
    public PolicyRecord? FindPolicy(string id) => SnapshotLookup<PolicyRecord>.Find(Policies, ref _policyLookup, id, static p => p.Id);

    /// <summary>The key with <paramref name="keyId"/>; O(1) after the first lookup on a large snapshot.</summary>
    public ManagedKeyRecord? FindKey(string keyId) => SnapshotLookup<ManagedKeyRecord>.Find(Keys, ref _keyLookup, keyId, static k => k.KeyId);

    public DatacenterRecord? FindDatacenter(string id) => SnapshotLookup<DatacenterRecord>.Find(Datacenters, ref _datacenterLookup, id, static d => d.Id);

    public WrappingKeyRecord? FindWrappingKey(string datacenterId) =>
        SnapshotLookup<WrappingKeyRecord>.Find(WrappingKeys, ref _wrappingKeyLookup, datacenterId, static w => w.DatacenterId);

    /// <summary>Equal when the revision and the four collections (the same arrays) are; the lookup indexes do not count.</summary>
    public bool Equals(ControlPlaneSnapshot? other) =>
        other is not null && Revision == other.Revision && Datacenters == other.Datacenters && WrappingKeys == other.WrappingKeys
        && Policies == other.Policies && Keys == other.Keys;

    public override int GetHashCode() => HashCode.Combine(Revision, Datacenters, WrappingKeys, Policies, Keys);
}
