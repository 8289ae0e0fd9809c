using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>
/// Pages and record reads over a change feed and state held in memory (the in-memory and embedded
/// stores), so both answer <see cref="IControlPlaneStore.ReadChangedRecordsAsync"/> alike.
/// </summary>
internal static class RetainedChanges
{
    /// <summary>The retained changes after <paramref name="afterRevision"/>, at most <paramref name="maxCount"/>, and whether that was all of them.</summary>
    public static (List<ChangeRecord> Page, bool More) Page(ImmutableArray<ChangeRecord> retained, long afterRevision, int maxCount)
    {
        var page = new List<ChangeRecord>(Math.Min(maxCount, retained.Length));
        var start = FirstAfter(retained, afterRevision);
        for (var i = start; i < retained.Length; i++)
        {
            if (page.Count == maxCount)
            {
                return (page, true);
            }

            page.Add(retained[i]);
        }

        return (page, false);
    }

    /// <summary>The current records of <paramref name="ids"/> found by the four lookups, sorted by id.</summary>
    public static RecordSet Read(
        long revision,
        IEnumerable<RecordId> ids,
        Func<string, DatacenterRecord?> datacenter,
        Func<string, WrappingKeyRecord?> wrappingKey,
        Func<string, PolicyRecord?> policy,
        Func<string, ManagedKeyRecord?> key)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var datacenters = new SortedDictionary<string, DatacenterRecord>(StringComparer.Ordinal);
        var wrappingKeys = new SortedDictionary<string, WrappingKeyRecord>(StringComparer.Ordinal);
        var policies = new SortedDictionary<string, PolicyRecord>(StringComparer.Ordinal);
        var keys = new SortedDictionary<string, ManagedKeyRecord>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            ArgumentNullException.ThrowIfNull(id.Id, nameof(ids));
            switch (id.Kind)
            {
                case ChangeKind.Datacenter:
                    Add(datacenters, id.Id, datacenter);
                    break;
                case ChangeKind.WrappingKey:
                    Add(wrappingKeys, id.Id, wrappingKey);
                    break;
                case ChangeKind.Policy:
                    Add(policies, id.Id, policy);
                    break;
                case ChangeKind.Key:
                    Add(keys, id.Id, key);
                    break;
                default:
                    throw new ArgumentException($"record kind {id.Kind} of '{id.Id}' is not a kind the store holds", nameof(ids));
            }
        }

        return new RecordSet
        {
            Revision = revision,
            Datacenters = [.. datacenters.Values],
            WrappingKeys = [.. wrappingKeys.Values],
            Policies = [.. policies.Values],
            Keys = [.. keys.Values],
        };
    }

    /// <summary>The ids a page names, each once.</summary>
    public static IEnumerable<RecordId> Ids(IEnumerable<ChangeRecord> page) => page.Select(RecordId.Of).Distinct();

    private static void Add<T>(SortedDictionary<string, T> found, string id, Func<string, T?> find)
        where T : class
    {
        if (!found.ContainsKey(id) && find(id) is { } record)
        {
            found[id] = record;
        }
    }

    // The retained feed is sorted by revision: find the first change after the revision by bisection.
    private static int FirstAfter(ImmutableArray<ChangeRecord> retained, long afterRevision)
    {
        int low = 0, high = retained.Length;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (retained[middle].Revision <= afterRevision)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
