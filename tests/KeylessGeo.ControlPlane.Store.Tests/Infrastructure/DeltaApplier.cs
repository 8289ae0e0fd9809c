using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

/// <summary>What a follower does with <see cref="ChangedRecords"/>: every id the page names takes its record, or goes when it has none.</summary>
public static class DeltaApplier
{
    public static ControlPlaneSnapshot Apply(ControlPlaneSnapshot before, ChangedRecords changed) => new()
    {
        Revision = changed.Page.LatestRevision,
        Datacenters = Apply(before.Datacenters, changed, ChangeKind.Datacenter, changed.Records.Datacenters, d => d.Id),
        WrappingKeys = Apply(before.WrappingKeys, changed, ChangeKind.WrappingKey, changed.Records.WrappingKeys, w => w.DatacenterId),
        Policies = Apply(before.Policies, changed, ChangeKind.Policy, changed.Records.Policies, p => p.Id),
        Keys = Apply(before.Keys, changed, ChangeKind.Key, changed.Records.Keys, k => k.KeyId),
    };

    private static ImmutableArray<T> Apply<T>(ImmutableArray<T> before, ChangedRecords changed, ChangeKind kind, ImmutableArray<T> records, Func<T, string> idOf)
    {
        var byId = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in before)
        {
            byId[idOf(item)] = item;
        }

        foreach (var change in changed.Page.Changes.Where(c => c.Kind == kind))
        {
            byId.Remove(change.Id);
        }

        foreach (var record in records)
        {
            byId[idOf(record)] = record;
        }

        return [.. byId.Values];
    }
}
