using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// The control plane's own view of the store at one revision, kept current by applying change
/// pages (<see cref="StateFollower"/>) rather than reading snapshots (a snapshot, read a page at a
/// time, only to start or re-sync: <see cref="StateResync"/>): the topology, the wrapping
/// keys and the policies whole, and of each key only its policy and SKI (<see cref="KeyEntry"/>),
/// with indexes from policy and from SKI to key ids. Immutable: an operation plans against one
/// state while the follower builds the next; applying a change costs in proportion to the change
/// (persistent collections share everything that did not change).
/// </summary>
internal sealed class ControlPlaneState
{
    private static readonly ImmutableSortedSet<string> NoKeys = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    private readonly ImmutableSortedDictionary<string, DatacenterRecord> _datacenters;
    private readonly ImmutableSortedDictionary<string, WrappingKeyRecord> _wrappingKeys;
    private readonly ImmutableSortedDictionary<string, PolicyRecord> _policies;
    private readonly ImmutableDictionary<string, long> _policyChangedAt;
    private readonly ImmutableDictionary<string, KeyEntry> _keys;
    private readonly ImmutableDictionary<string, ImmutableSortedSet<string>> _keysByPolicy;
    private readonly ImmutableDictionary<byte[], ImmutableSortedSet<string>> _keysBySki;

    /// <summary>A state from its parts (<see cref="StateResync.Finish"/> builds one from a snapshot).</summary>
    internal ControlPlaneState(
        long revision,
        StateHistory history,
        ImmutableSortedDictionary<string, DatacenterRecord> datacenters,
        ImmutableSortedDictionary<string, WrappingKeyRecord> wrappingKeys,
        ImmutableSortedDictionary<string, PolicyRecord> policies,
        ImmutableDictionary<string, long> policyChangedAt,
        ImmutableDictionary<string, KeyEntry> keys,
        ImmutableDictionary<string, ImmutableSortedSet<string>> keysByPolicy,
        ImmutableDictionary<byte[], ImmutableSortedSet<string>> keysBySki)
    {
        Revision = revision;
        History = history;
        _datacenters = datacenters;
        _wrappingKeys = wrappingKeys;
        _policies = policies;
        _policyChangedAt = policyChangedAt;
        _keys = keys;
        _keysByPolicy = keysByPolicy;
        _keysBySki = keysBySki;
    }

    /// <summary>The revision this state is at.</summary>
    public long Revision { get; }

    /// <summary>How far back the per-record revisions reach (see <see cref="StateRevisionOf"/>).</summary>
    public StateHistory History { get; }

    /// <summary>The topology's datacenters, in id order.</summary>
    public IEnumerable<DatacenterRecord> Datacenters => _datacenters.Values;

    /// <summary>Whether the topology has no datacenter.</summary>
    public bool HasNoDatacenters => _datacenters.IsEmpty;

    /// <summary>Registered wrapping keys, in datacenter id order.</summary>
    public IEnumerable<WrappingKeyRecord> WrappingKeys => _wrappingKeys.Values;

    /// <summary>Every policy, in id order.</summary>
    public IEnumerable<PolicyRecord> Policies => _policies.Values;

    /// <summary>How many policies the store holds.</summary>
    public int PolicyCount => _policies.Count;

    /// <summary>How many keys the store holds.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>Every key id, in no particular order.</summary>
    public IEnumerable<string> KeyIds => _keys.Keys;

    /// <summary>
    /// The state at <paramref name="revision"/>: this one with every record that
    /// <paramref name="changes"/> names replaced by its record in <paramref name="records"/>, or
    /// removed when <paramref name="records"/> lacks it (the store's change-page contract: the
    /// records are read at <paramref name="revision"/>, after every change listed).
    /// </summary>
    public ControlPlaneState Apply(IReadOnlyList<ChangeRecord> changes, RecordSet records, long revision)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(records);
        if (changes.Count == 0)
        {
            return revision == Revision ? this : With(revision);
        }

        var touched = new Dictionary<RecordId, long>();
        foreach (var change in changes)
        {
            var id = RecordId.Of(change);
            touched[id] = Math.Max(touched.GetValueOrDefault(id), change.Revision);
        }

        var datacenters = _datacenters.ToBuilder();
        var wrappingKeys = _wrappingKeys.ToBuilder();
        var policies = _policies.ToBuilder();
        var policyChangedAt = _policyChangedAt.ToBuilder();
        var keys = new KeyIndexEdit(_keys, _keysByPolicy, _keysBySki);
        var found = new FoundRecords(records);
        foreach (var (id, changedAt) in touched)
        {
            switch (id.Kind)
            {
                case ChangeKind.Datacenter:
                    Set(datacenters, id.Id, found.Datacenter(id.Id));
                    break;
                case ChangeKind.WrappingKey:
                    Set(wrappingKeys, id.Id, found.WrappingKey(id.Id));
                    break;
                case ChangeKind.Policy:
                    Set(policies, id.Id, found.Policy(id.Id));
                    Set(policyChangedAt, id.Id, found.Policy(id.Id) is null ? (long?)null : changedAt);
                    break;
                case ChangeKind.Key:
                    keys.Set(id.Id, found.Key(id.Id), changedAt);
                    break;
                default:
                    // A kind this version does not know holds nothing the control plane plans with.
                    break;
            }
        }

        var (keyMap, byPolicy, bySki) = keys.ToImmutable();
        return new ControlPlaneState(revision, History, datacenters.ToImmutable(), wrappingKeys.ToImmutable(), policies.ToImmutable(),
            policyChangedAt.ToImmutable(), keyMap, byPolicy, bySki);
    }

    public DatacenterRecord? FindDatacenter(string id) => _datacenters.GetValueOrDefault(id);

    public WrappingKeyRecord? FindWrappingKey(string datacenterId) => _wrappingKeys.GetValueOrDefault(datacenterId);

    public PolicyRecord? FindPolicy(string id) => _policies.GetValueOrDefault(id);

    /// <summary>Whether key <paramref name="keyId"/> exists, and what is kept of it.</summary>
    public bool TryGetKey(string keyId, out KeyEntry entry) => _keys.TryGetValue(keyId, out entry);

    /// <summary>The ids of the keys <paramref name="policyId"/> governs, in id order.</summary>
    public ImmutableSortedSet<string> KeyIdsOf(string policyId) => _keysByPolicy.GetValueOrDefault(policyId) ?? NoKeys;

    /// <summary>The ids of the keys whose SKI is <paramref name="ski"/>, in id order (one, unless the store was edited behind the control plane's back).</summary>
    public ImmutableSortedSet<string> KeyIdsWithSki(byte[] ski) => _keysBySki.GetValueOrDefault(ski) ?? NoKeys;

    /// <summary>
    /// The latest revision that wrote key <paramref name="keyId"/> or its policy
    /// <paramref name="policyId"/>, and whether it is exact: when the change feed this state was
    /// built from had dropped that write, the earliest revision it still held bounds it from above.
    /// </summary>
    public (long Revision, bool Exact) StateRevisionOf(string keyId, string policyId)
    {
        var found = Math.Max(_keys.TryGetValue(keyId, out var key) ? key.ChangedAt : 0, _policyChangedAt.GetValueOrDefault(policyId));
        return found > 0 || !History.Truncated ? (found, true) : (History.Earliest, false);
    }

    private ControlPlaneState With(long revision) =>
        new(revision, History, _datacenters, _wrappingKeys, _policies, _policyChangedAt, _keys, _keysByPolicy, _keysBySki);

    private static void Set<TValue>(IDictionary<string, TValue> map, string id, TValue? value)
        where TValue : class
    {
        if (value is null)
        {
            map.Remove(id);
        }
        else
        {
            map[id] = value;
        }
    }

    private static void Set(IDictionary<string, long> map, string id, long? value)
    {
        if (value is { } revision)
        {
            map[id] = revision;
        }
        else
        {
            map.Remove(id);
        }
    }
}
