using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>Everything but leases and audit, at one revision. Collections are sorted by id.</summary>
public sealed record ControlPlaneSnapshot
{
    public static ControlPlaneSnapshot Empty { get; } = new() { Revision = 0 };

    public required long Revision { get; init; }

    public ImmutableArray<DatacenterRecord> Datacenters { get; init; } = [];

    public ImmutableArray<WrappingKeyRecord> WrappingKeys { get; init; } = [];

    public ImmutableArray<PolicyRecord> Policies { get; init; } = [];

    public ImmutableArray<ManagedKeyRecord> Keys { get; init; } = [];

    public PolicyRecord? FindPolicy(string id) => Find(Policies, id, static p => p.Id);

    public ManagedKeyRecord? FindKey(string keyId) => Find(Keys, keyId, static k => k.KeyId);

    public DatacenterRecord? FindDatacenter(string id) => Find(Datacenters, id, static d => d.Id);

    public WrappingKeyRecord? FindWrappingKey(string datacenterId) => Find(WrappingKeys, datacenterId, static w => w.DatacenterId);

    private static T? Find<T>(ImmutableArray<T> items, string id, Func<T, string> idOf)
        where T : class
    {
        foreach (var item in items)
        {
            if (string.Equals(idOf(item), id, StringComparison.Ordinal))
            {
                return item;
            }
        }

        return null;
    }
}
