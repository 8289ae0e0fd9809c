using System.Collections.Concurrent;
using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Cluster.Grains;

/// <summary>
/// The key grains activated on this silo, by key id: the change feed deactivates those whose
/// policy no longer permits this datacenter, at once rather than when they fall idle.
/// </summary>
internal sealed class LocalKeyActivations
{
    private readonly ConcurrentDictionary<string, IGrainContext> _active = new(StringComparer.Ordinal);

    public int Count => _active.Count;

    public bool IsActive(string keyId) => _active.ContainsKey(keyId);

    /// <summary>The key ids with an activation here, at the moment of the call.</summary>
    public ICollection<string> KeyIds => _active.Keys;

    public void Add(string keyId, IGrainContext context) => _active[keyId] = context;

    public void Remove(string keyId, IGrainContext context) => _active.TryRemove(KeyValuePair.Create(keyId, context));

    /// <summary>Asks the activation of <paramref name="keyId"/>, if any, to deactivate; true when there was one.</summary>
    public bool Deactivate(string keyId, string why)
    {
        if (!_active.TryGetValue(keyId, out var context))
        {
            return false;
        }

        context.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, why));
        return true;
    }
}
