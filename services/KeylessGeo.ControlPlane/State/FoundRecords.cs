using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.State;

/// <summary>The records of a <see cref="RecordSet"/> by id, for applying a change page.</summary>
internal sealed class FoundRecords
{
    private readonly Dictionary<string, DatacenterRecord> _datacenters;
    private readonly Dictionary<string, WrappingKeyRecord> _wrappingKeys;
    private readonly Dictionary<string, PolicyRecord> _policies;
    private readonly Dictionary<string, ManagedKeyRecord> _keys;

    public FoundRecords(RecordSet records)
    {
        ArgumentNullException.ThrowIfNull(records);
        _datacenters = Index(records.Datacenters, static d => d.Id);
        _wrappingKeys = Index(records.WrappingKeys, static w => w.DatacenterId);
        _policies = Index(records.Policies, static p => p.Id);
        _keys = Index(records.Keys, static k => k.KeyId);
    }

    public DatacenterRecord? Datacenter(string id) => _datacenters.GetValueOrDefault(id);

    public WrappingKeyRecord? WrappingKey(string datacenterId) => _wrappingKeys.GetValueOrDefault(datacenterId);

    public PolicyRecord? Policy(string id) => _policies.GetValueOrDefault(id);

    public ManagedKeyRecord? Key(string keyId) => _keys.GetValueOrDefault(keyId);

    private static Dictionary<string, T> Index<T>(IEnumerable<T> records, Func<T, string> idOf)
    {
        var byId = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            byId[idOf(record)] = record;
        }

        return byId;
    }
}
