using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Placement;

/// <summary>
/// The pending-copy follower's own derived state: for each datacenter with a registered wrapping
/// key, the policies that permit it but hold no copy of their key for that wrapping key. Built once
/// from a snapshot's first page, then kept current by applying change pages: a changed policy is checked
/// against the datacenters it permits (before and after), a changed wrapping key against the
/// policies that permit its datacenter; nothing else is looked at. Used by one caller at a time.
/// </summary>
internal sealed class PendingCopyIndex
{
    private readonly Dictionary<string, WrappingKeyRecord> _wrappingKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PolicyRecord> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _permittedBy = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SortedSet<string>> _pending = new(StringComparer.Ordinal);

    private PendingCopyIndex(long revision) => Revision = revision;

    /// <summary>The revision the index is at.</summary>
    public long Revision { get; private set; }

    /// <summary>Datacenters some permitting policy owes a copy, sorted.</summary>
    public IReadOnlyList<string> PendingDatacenters => [.. _pending.Keys];

    /// <summary>
    /// The index of the snapshot whose first page is <paramref name="first"/>: the wrapping keys and
    /// policies are all there, and no key matters to it.
    /// </summary>
    public static PendingCopyIndex FromFirstPage(SnapshotPage first)
    {
        ArgumentNullException.ThrowIfNull(first);
        var index = new PendingCopyIndex(first.Revision);
        foreach (var key in first.WrappingKeys)
        {
            index._wrappingKeys[key.DatacenterId] = key;
        }

        foreach (var policy in first.Policies)
        {
            index.SetPolicy(policy.Id, policy);
        }

        return index;
    }

    /// <summary>The policies that owe <paramref name="datacenterId"/> a copy, sorted.</summary>
    public IReadOnlyList<string> PendingPolicies(string datacenterId) =>
        _pending.TryGetValue(datacenterId, out var policies) ? [.. policies] : [];

    /// <summary>The registered wrapping key of <paramref name="datacenterId"/>.</summary>
    public WrappingKeyRecord? WrappingKey(string datacenterId) => _wrappingKeys.GetValueOrDefault(datacenterId);

    /// <summary>
    /// Applies one change page: every wrapping key and policy <paramref name="changes"/> names
    /// becomes its record in <paramref name="records"/> (removed when absent); the index is then at
    /// <paramref name="revision"/>.
    /// </summary>
    public PendingCopyIndex Apply(IReadOnlyList<ChangeRecord> changes, RecordSet records, long revision)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(records);
        var keys = records.WrappingKeys.ToDictionary(k => k.DatacenterId, StringComparer.Ordinal);
        var policies = records.Policies.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var datacenters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (change.Kind == ChangeKind.WrappingKey && datacenters.Add(change.Id))
            {
                if (keys.TryGetValue(change.Id, out var key))
                {
                    _wrappingKeys[change.Id] = key;
                }
                else
                {
                    _wrappingKeys.Remove(change.Id);
                }
            }
        }

        foreach (var change in changes)
        {
            if (change.Kind == ChangeKind.Policy)
            {
                SetPolicy(change.Id, policies.GetValueOrDefault(change.Id));
            }
        }

        foreach (var datacenter in datacenters)
        {
            if (_permittedBy.TryGetValue(datacenter, out var permitting))
            {
                foreach (var policyId in permitting)
                {
                    Check(_policies[policyId], datacenter);
                }
            }
        }

        Revision = revision;
        return this;
    }

    /// <summary>Replaces policy <paramref name="id"/> (null: removed) and checks it against every datacenter it permitted or permits.</summary>
    private void SetPolicy(string id, PolicyRecord? policy)
    {
        if (_policies.Remove(id, out var old))
        {
            foreach (var datacenter in old.PermittedDatacenters)
            {
                Unindex(_permittedBy, datacenter, id);
                UnindexPending(datacenter, id);
            }
        }

        if (policy is null)
        {
            return;
        }

        _policies[id] = policy;
        foreach (var datacenter in policy.PermittedDatacenters)
        {
            if (!_permittedBy.TryGetValue(datacenter, out var permitting))
            {
                permitting = new HashSet<string>(StringComparer.Ordinal);
                _permittedBy[datacenter] = permitting;
            }

            permitting.Add(id);
            Check(policy, datacenter);
        }
    }

    /// <summary>Whether <paramref name="policy"/> owes <paramref name="datacenter"/> a copy: it has a registered key and no copy made for that key.</summary>
    private void Check(PolicyRecord policy, string datacenter)
    {
        var owed = _wrappingKeys.TryGetValue(datacenter, out var key)
            && !policy.WrappedKeys.Any(c => c.DatacenterId == datacenter && c.WrappingKeyFingerprint == key.Fingerprint);
        if (!owed)
        {
            UnindexPending(datacenter, policy.Id);
            return;
        }

        if (!_pending.TryGetValue(datacenter, out var policies))
        {
            policies = new SortedSet<string>(StringComparer.Ordinal);
            _pending[datacenter] = policies;
        }

        policies.Add(policy.Id);
    }

    private void UnindexPending(string datacenter, string policyId)
    {
        if (_pending.TryGetValue(datacenter, out var policies) && policies.Remove(policyId) && policies.Count == 0)
        {
            _pending.Remove(datacenter);
        }
    }

    private static void Unindex(Dictionary<string, HashSet<string>> index, string key, string id)
    {
        if (index.TryGetValue(key, out var ids) && ids.Remove(id) && ids.Count == 0)
        {
            index.Remove(key);
        }
    }
}
