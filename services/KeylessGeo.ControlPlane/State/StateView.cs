using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// What an operation plans against: the control plane's <see cref="ControlPlaneState"/> at one
/// revision and the whole records of the keys the operation asked for, read by id at that same
/// revision. Only those keys can be opened here; every other key is known by its entry alone.
/// </summary>
internal sealed class StateView
{
    private readonly ImmutableDictionary<string, ManagedKeyRecord> _keys;

    public StateView(ControlPlaneState state, ImmutableDictionary<string, ManagedKeyRecord> keys)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(keys);
        State = state;
        _keys = keys;
    }

    /// <summary>The state planned against.</summary>
    public ControlPlaneState State { get; }

    /// <summary>The revision of the state and of the keys read.</summary>
    public long Revision => State.Revision;

    public IEnumerable<DatacenterRecord> Datacenters => State.Datacenters;

    public IEnumerable<WrappingKeyRecord> WrappingKeys => State.WrappingKeys;

    public IEnumerable<PolicyRecord> Policies => State.Policies;

    public DatacenterRecord? FindDatacenter(string id) => State.FindDatacenter(id);

    public WrappingKeyRecord? FindWrappingKey(string datacenterId) => State.FindWrappingKey(datacenterId);

    public PolicyRecord? FindPolicy(string id) => State.FindPolicy(id);

    /// <summary>Whether key <paramref name="keyId"/> exists.</summary>
    public bool HasKey(string keyId) => State.TryGetKey(keyId, out _);

    /// <summary>
    /// The whole record of key <paramref name="keyId"/>, which the operation must have asked for;
    /// null when it does not exist.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key exists but was not read for this operation (a bug in the operation).</exception>
    public ManagedKeyRecord? FindKey(string keyId)
    {
        if (_keys.TryGetValue(keyId, out var key))
        {
            return key;
        }

        return State.TryGetKey(keyId, out _)
            ? throw new InvalidOperationException($"key '{keyId}' was not read for this operation")
            : null;
    }

    /// <summary>The whole records of the keys <paramref name="policyId"/> governs, in id order (each must have been asked for).</summary>
    public ImmutableArray<ManagedKeyRecord> KeysOf(string policyId) =>
        [.. State.KeyIdsOf(policyId).Select(id => FindKey(id) ?? throw new InvalidOperationException($"key '{id}' of policy '{policyId}' is indexed but has no record"))];
}
