using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// A <see cref="ControlPlaneState"/> built aside from a snapshot read a page at a time
/// (<see cref="IControlPlaneStore.ReadSnapshotPageAsync"/>), then from the retained change feed up
/// to the first page's revision (the per-record revisions): only one page of whole records is held
/// at once, and what is kept of each key is its <see cref="KeyEntry"/>. The state in force keeps
/// serving until <see cref="Finish"/>'s result is swapped in.
/// </summary>
/// <remarks>
/// Pages may be read at later revisions than the first; the state is declared at the first page's
/// revision, and applying the change feed after it (<see cref="ChangePages"/>) brings every record
/// changed meanwhile up to date, so the result equals a fresh read of the whole store.
/// </remarks>
internal sealed class StateResync
{
    private readonly ImmutableSortedDictionary<string, DatacenterRecord> _datacenters;
    private readonly ImmutableSortedDictionary<string, WrappingKeyRecord> _wrappingKeys;
    private readonly ImmutableSortedDictionary<string, PolicyRecord> _policies;
    private readonly ImmutableDictionary<string, long>.Builder _policyChangedAt = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
    private readonly ImmutableDictionary<string, KeyEntry>.Builder _keys = ImmutableDictionary.CreateBuilder<string, KeyEntry>(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableSortedSet<string>.Builder> _byPolicy = new(StringComparer.Ordinal);
    private readonly Dictionary<byte[], ImmutableSortedSet<string>.Builder> _bySki = new(SkiComparer.Instance);
    private bool _truncated;
    private long? _earliest;

    /// <summary>Starts from <paramref name="first"/>, the snapshot's first page (topology, wrapping keys, policies); add its keys with <see cref="Add"/>.</summary>
    public StateResync(SnapshotPage first)
    {
        ArgumentNullException.ThrowIfNull(first);
        Revision = first.Revision;
        LastRevision = first.Revision;
        _datacenters = first.Datacenters.ToImmutableSortedDictionary(d => d.Id, d => d, StringComparer.Ordinal);
        _wrappingKeys = first.WrappingKeys.ToImmutableSortedDictionary(w => w.DatacenterId, w => w, StringComparer.Ordinal);
        _policies = first.Policies.ToImmutableSortedDictionary(p => p.Id, p => p, StringComparer.Ordinal);
    }

    /// <summary>The first page's revision, which the state is declared at.</summary>
    public long Revision { get; }

    /// <summary>The revision of the last page read.</summary>
    public long LastRevision { get; private set; }

    /// <summary>Snapshot pages added.</summary>
    public int Pages { get; private set; }

    /// <summary>Keys added so far.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>
    /// Reads the store's snapshot <paramref name="keysPerPage"/> keys at a time and the retained
    /// change feed up to the first page's revision <paramref name="changesPerPage"/> records at a
    /// time, building from each page as it arrives.
    /// </summary>
    public static async Task<StateResync> ReadAsync(IControlPlaneStore store, int keysPerPage, int changesPerPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var page = await store.ReadSnapshotPageAsync(null, keysPerPage, cancellationToken).ConfigureAwait(false);
        var resync = new StateResync(page);
        resync.Add(page);
        while (page.More)
        {
            page = await store.ReadSnapshotPageAsync(page.LastKeyId, keysPerPage, cancellationToken).ConfigureAwait(false);
            resync.Add(page);
        }

        await resync.ReadHistoryAsync(store, changesPerPage, cancellationToken).ConfigureAwait(false);
        return resync;
    }

    /// <summary>Indexes the keys of <paramref name="page"/> (the first page too); nothing else of a key is kept.</summary>
    public void Add(SnapshotPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        foreach (var key in page.Keys)
        {
            _keys[key.KeyId] = new KeyEntry(key.PolicyId, key.Ski, 0);
            Collect(_byPolicy, key.PolicyId, key.KeyId);
            Collect(_bySki, key.Ski, key.KeyId);
        }

        LastRevision = Math.Max(LastRevision, page.Revision);
        Pages++;
    }

    /// <summary>
    /// Takes each record's last revision from <paramref name="changes"/>, the next part of the
    /// retained change feed (oldest first; changes after <see cref="Revision"/> are ignored);
    /// <paramref name="truncated"/> says changes before them were dropped from it.
    /// </summary>
    public void AddHistory(IEnumerable<ChangeRecord> changes, bool truncated)
    {
        ArgumentNullException.ThrowIfNull(changes);
        _truncated |= truncated;
        foreach (var change in changes)
        {
            if (change.Revision > Revision)
            {
                break;
            }

            _earliest ??= change.Revision;
            if (change.Kind == ChangeKind.Policy && _policies.ContainsKey(change.Id))
            {
                _policyChangedAt[change.Id] = change.Revision;
            }
            else if (change.Kind == ChangeKind.Key && _keys.TryGetValue(change.Id, out var entry))
            {
                _keys[change.Id] = entry with { ChangedAt = change.Revision };
            }
        }
    }

    /// <summary>The state built, at <see cref="Revision"/> (some records may be newer: see the class remarks).</summary>
    public ControlPlaneState Finish() => new(
        Revision,
        new StateHistory(_truncated, _earliest ?? Revision),
        _datacenters,
        _wrappingKeys,
        _policies,
        _policyChangedAt.ToImmutable(),
        _keys.ToImmutable(),
        _byPolicy.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutable(), StringComparer.Ordinal),
        _bySki.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutable(), SkiComparer.Instance));

    /// <summary>The retained change feed up to <see cref="Revision"/>, a page at a time: bounded by the store's retention, read once per re-sync.</summary>
    private async Task ReadHistoryAsync(IControlPlaneStore store, int changesPerPage, CancellationToken cancellationToken)
    {
        long after = 0;
        var pageSize = changesPerPage;
        while (after < Revision)
        {
            var page = await store.ReadChangesAsync(after, pageSize, cancellationToken).ConfigureAwait(false);
            var truncated = after == 0 && page.Truncated;
            if (page.Changes.Count < pageSize)
            {
                AddHistory(page.Changes, truncated);
                return;
            }

            // Pages end on any record: keep the revisions seen whole and read on from there (one
            // revision filling the page is read again with a bigger one).
            var next = page.Changes[^1].Revision - 1;
            if (next <= after)
            {
                pageSize *= 2;
                continue;
            }

            AddHistory(page.Changes.Where(c => c.Revision <= next), truncated);
            after = next;
        }
    }

    private static void Collect<TKey>(Dictionary<TKey, ImmutableSortedSet<string>.Builder> index, TKey key, string keyId)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var ids))
        {
            ids = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
            index[key] = ids;
        }

        ids.Add(keyId);
    }
}
