using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// The committed state in memory, in persistent sorted maps so a commit costs O(changes · log n)
/// however many records there are: applying a change set shares every untouched node with the
/// state before it. Gives the same records, change records and order as <see cref="SnapshotChanges"/>
/// (the reference semantics); the <see cref="ControlPlaneSnapshot"/> readers see is built once per
/// revision, on first read. Immutable, so readers never lock.
/// </summary>
internal sealed class LiveState
{
    private readonly ImmutableSortedDictionary<string, DatacenterRecord> _datacenters;
    private readonly ImmutableSortedDictionary<string, WrappingKeyRecord> _wrappingKeys;
    private readonly ImmutableSortedDictionary<string, PolicyRecord> _policies;
    private readonly ImmutableSortedDictionary<string, ManagedKeyRecord> _keys;
    private ControlPlaneSnapshot? _snapshot;

    private LiveState(
        long revision,
        ImmutableSortedDictionary<string, DatacenterRecord> datacenters,
        ImmutableSortedDictionary<string, WrappingKeyRecord> wrappingKeys,
        ImmutableSortedDictionary<string, PolicyRecord> policies,
        ImmutableSortedDictionary<string, ManagedKeyRecord> keys,
        ImmutableArray<ChangeRecord> changes,
        long changesTruncatedThrough,
        AuditMark audit)
    {
        Revision = revision;
        _datacenters = datacenters;
        _wrappingKeys = wrappingKeys;
        _policies = policies;
        _keys = keys;
        Changes = changes;
        ChangesTruncatedThrough = changesTruncatedThrough;
        Audit = audit;
    }

    /// <summary>The committed revision.</summary>
    public long Revision { get; }

    /// <summary>The retained change feed, oldest first.</summary>
    public ImmutableArray<ChangeRecord> Changes { get; }

    /// <summary>The newest revision dropped from the change feed.</summary>
    public long ChangesTruncatedThrough { get; }

    /// <summary>Where the committed audit chain ends.</summary>
    public AuditMark Audit { get; }

    /// <summary>How many managed keys there are.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>The current records of <paramref name="ids"/>, found in O(log n) each.</summary>
    public RecordSet Read(IEnumerable<RecordId> ids) => RetainedChanges.Read(
        Revision, ids, id => _datacenters.GetValueOrDefault(id), id => _wrappingKeys.GetValueOrDefault(id), id => _policies.GetValueOrDefault(id), id => _keys.GetValueOrDefault(id));

    /// <summary>
    /// A page of this revision's snapshot: a binary search in the snapshot's sorted keys (built once
    /// per revision, and shared with whole-snapshot readers; this process holds every record anyway).
    /// </summary>
    public SnapshotPage Page(string? afterKeyId, int maxKeys) => SnapshotPage.Of(Snapshot, afterKeyId, maxKeys);

    /// <summary>The snapshot readers see, built on first use.</summary>
    public ControlPlaneSnapshot Snapshot => _snapshot ??= new ControlPlaneSnapshot
    {
        Revision = Revision,
        Datacenters = [.. _datacenters.Values],
        WrappingKeys = [.. _wrappingKeys.Values],
        Policies = [.. _policies.Values],
        Keys = [.. _keys.Values],
    };

    /// <summary>The state a snapshot file holds.</summary>
    public static LiveState From(EmbeddedState state)
    {
        // A snapshot written before keys carried content digests gets them here, once per load.
        var snapshot = state.Snapshot;
        var keys = ManagedKeyContent.WithDigests(snapshot.Keys);
        if (keys != snapshot.Keys)
        {
            snapshot = snapshot with { Keys = keys };
        }

        return new LiveState(
            state.Revision,
            Index(snapshot.Datacenters, static d => d.Id),
            Index(snapshot.WrappingKeys, static w => w.DatacenterId),
            Index(snapshot.Policies, static p => p.Id),
            Index(snapshot.Keys, static k => k.KeyId),
            state.Changes,
            state.ChangesTruncatedThrough,
            state.Audit)
        {
            _snapshot = snapshot,
        };
    }

    /// <summary>The snapshot document of this state, followed by commit-log <paramref name="logGeneration"/>.</summary>
    public EmbeddedState ToDocument(long logGeneration) => new()
    {
        Format = EmbeddedState.CurrentFormat,
        Revision = Revision,
        LogGeneration = logGeneration,
        Snapshot = Snapshot,
        Changes = Changes,
        ChangesTruncatedThrough = ChangesTruncatedThrough,
        AuditCount = Audit.Count,
        AuditLength = Audit.Length,
        AuditHead = Audit.Head,
    };

    /// <summary>
    /// The change records <paramref name="changes"/> produces at the next revision, and the state
    /// after it with its audit entry; <paramref name="retention"/> trims the change feed.
    /// </summary>
    public (LiveState Next, IReadOnlyList<ChangeRecord> Records) Commit(ChangeSet changes, AuditEntry entry, long auditLength, int retention)
    {
        var (next, records) = Apply(changes, entry, auditLength);
        var (retained, truncatedThrough) = ChangeFeedRetention.Append(Changes, records, retention, ChangesTruncatedThrough);
        return (next.WithChanges(retained, truncatedThrough), records);
    }

    /// <summary>The state after a commit-log record, trimmed exactly as its writer trimmed it.</summary>
    public LiveState Replay(CommitLogRecord record)
    {
        // A record appended by a build before content digests gets them as it is applied.
        var changes = record.Changes;
        var keys = ManagedKeyContent.WithDigests(changes.UpsertKeys);
        var (next, records) = Apply(keys == changes.UpsertKeys ? changes : changes with { UpsertKeys = keys }, record.Audit, record.AuditLength);
        var all = Changes.AddRange(records);
        var drop = 0;
        while (drop < all.Length && all[drop].Revision <= record.ChangesTruncatedThrough)
        {
            drop++;
        }

        return next.WithChanges(drop == 0 ? all : all.RemoveRange(0, drop), Math.Max(ChangesTruncatedThrough, record.ChangesTruncatedThrough));
    }

    private (LiveState Next, List<ChangeRecord> Records) Apply(ChangeSet changes, AuditEntry entry, long auditLength)
    {
        var revision = Revision + 1;
        var records = new List<ChangeRecord>();
        var datacenters = _datacenters;
        if (changes.ReplaceTopology is { } topology)
        {
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var datacenter in topology)
            {
                kept.Add(datacenter.Id);
            }

            var removed = _datacenters.Keys.Where(id => !kept.Contains(id)).ToImmutableArray();
            datacenters = Merge(_datacenters, topology, removed, static d => d.Id, ChangeKind.Datacenter, revision, records);
        }

        var next = new LiveState(
            revision,
            datacenters,
            Merge(_wrappingKeys, changes.UpsertWrappingKeys, changes.DeleteWrappingKeys, static w => w.DatacenterId, ChangeKind.WrappingKey, revision, records),
            Merge(_policies, changes.UpsertPolicies, changes.DeletePolicies, static p => p.Id, ChangeKind.Policy, revision, records),
            Merge(_keys, changes.UpsertKeys, changes.DeleteKeys, static k => k.KeyId, ChangeKind.Key, revision, records),
            Changes,
            ChangesTruncatedThrough,
            new AuditMark(revision, entry.Sequence, auditLength, entry));
        return (next, records);
    }

    private LiveState WithChanges(ImmutableArray<ChangeRecord> changes, long truncatedThrough) =>
        new(Revision, _datacenters, _wrappingKeys, _policies, _keys, changes, truncatedThrough, Audit);

    private static ImmutableSortedDictionary<string, T> Index<T>(ImmutableArray<T> items, Func<T, string> idOf)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            builder[idOf(item)] = item;
        }

        return builder.ToImmutable();
    }

    /// <summary>Deletions that removed something, then every upsert as given: the order <see cref="SnapshotChanges"/> reports.</summary>
    private static ImmutableSortedDictionary<string, T> Merge<T>(
        ImmutableSortedDictionary<string, T> current, ImmutableArray<T> upserts, ImmutableArray<string> deletes, Func<T, string> idOf,
        ChangeKind kind, long revision, List<ChangeRecord> records)
    {
        if (upserts.IsDefaultOrEmpty && deletes.IsDefaultOrEmpty)
        {
            return current;
        }

        var builder = current.ToBuilder();
        foreach (var id in deletes)
        {
            if (builder.Remove(id))
            {
                records.Add(new ChangeRecord(revision, kind, id, true));
            }
        }

        foreach (var item in upserts)
        {
            var id = idOf(item);
            builder[id] = item;
            records.Add(new ChangeRecord(revision, kind, id, false));
        }

        return builder.ToImmutable();
    }
}
