using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>
/// Applies a <see cref="ChangeSet"/> to a snapshot, giving the next snapshot and the change
/// records; shared by the stores that keep a whole snapshot (in-memory, embedded).
/// </summary>
public static class SnapshotChanges
{
    /// <summary>The snapshot after <paramref name="changes"/>, at <paramref name="revision"/>.</summary>
    public static (ControlPlaneSnapshot Snapshot, IReadOnlyList<ChangeRecord> Records) Apply(
        ControlPlaneSnapshot current, ChangeSet changes, long revision)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changes);
        var records = new List<ChangeRecord>();
        var datacenters = current.Datacenters;
        if (changes.ReplaceTopology is { } topology)
        {
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var datacenter in topology)
            {
                kept.Add(datacenter.Id);
            }

            var removed = current.Datacenters.Where(d => !kept.Contains(d.Id)).Select(d => d.Id).ToImmutableArray();
            datacenters = Merge(current.Datacenters, topology, removed, static d => d.Id, ChangeKind.Datacenter, revision, records);
        }

        return (new ControlPlaneSnapshot
        {
            Revision = revision,
            Datacenters = datacenters,
            WrappingKeys = Merge(current.WrappingKeys, changes.UpsertWrappingKeys, changes.DeleteWrappingKeys, static w => w.DatacenterId, ChangeKind.WrappingKey, revision, records),
            Policies = Merge(current.Policies, changes.UpsertPolicies, changes.DeletePolicies, static p => p.Id, ChangeKind.Policy, revision, records),
            Keys = Merge(current.Keys, changes.UpsertKeys, changes.DeleteKeys, static k => k.KeyId, ChangeKind.Key, revision, records),
        }, records);
    }

    private static ImmutableArray<T> Merge<T>(
        ImmutableArray<T> current, ImmutableArray<T> upserts, ImmutableArray<string> deletes, Func<T, string> idOf,
        ChangeKind kind, long revision, List<ChangeRecord> records)
    {
        var byId = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in current)
        {
            byId[idOf(item)] = item;
        }

        foreach (var id in deletes)
        {
            if (byId.Remove(id))
            {
                records.Add(new ChangeRecord(revision, kind, id, true));
            }
        }

        foreach (var item in upserts)
        {
            var id = idOf(item);
            if (!byId.TryAdd(id, item))
            {
                byId[id] = item;
            }

            records.Add(new ChangeRecord(revision, kind, id, false));
        }

        return [.. byId.Values];
    }
}
