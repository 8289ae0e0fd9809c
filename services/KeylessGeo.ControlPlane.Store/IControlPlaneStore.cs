using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store;

/// <summary>
/// Where the control plane keeps topology, wrapping keys, policies, wrapped keys, keyserver
/// leases and the audit log. Every change is one atomic commit at a new revision, with its
/// audit entry in the same commit: a change lands whole or not at all. Keyservers follow the
/// change feed (<see cref="WaitForChangeAsync"/>) and read snapshots.
/// </summary>
/// <remarks>
/// Failures the caller may retry (the database is unreachable, an I/O error) throw
/// <see cref="StoreUnavailableException"/>; a commit whose expected revision is stale throws
/// <see cref="StoreConflictException"/>. Nothing else is thrown for an operational problem. A store
/// that finds it was changed behind its back (<see cref="CheckIntegrityAsync"/>) refuses every
/// later commit with <see cref="StoreIntegrityException"/>, a kind of <see cref="StoreUnavailableException"/>.
/// </remarks>
public interface IControlPlaneStore : IAsyncDisposable
{
    /// <summary>A short name for logs and docs: <c>embedded</c>, <c>postgresql</c>, <c>in-memory</c>.</summary>
    public string Kind { get; }

    /// <summary>A consistent view of everything but leases and the audit log, at one revision.</summary>
    public Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>The latest committed revision (0 for an empty store).</summary>
    public Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="changes"/> atomically if the store is still at
    /// <paramref name="expectedRevision"/>, appending the change's audit entry to the hash chain
    /// in the same commit. Throws <see cref="StoreConflictException"/> when another commit came
    /// first (read a new snapshot, re-validate, try again).
    /// </summary>
    public Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>
    /// The changes committed after <paramref name="afterRevision"/>, oldest first, at most
    /// <paramref name="maxCount"/>. <see cref="ChangePage.Truncated"/> says older changes were
    /// dropped from retention and the caller should read a snapshot instead.
    /// </summary>
    public Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// The current records of <paramref name="ids"/>, all read at one revision (the latest, given
    /// in <see cref="RecordSet.Revision"/>). An id that does not exist is absent from the result.
    /// Costs in proportion to the ids asked for, not to the store.
    /// </summary>
    public Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken);

    /// <summary>
    /// The change page after <paramref name="afterRevision"/> (as <see cref="ReadChangesAsync"/>)
    /// and the current records of the ids it names, read together in one consistent view: the
    /// records are at the page's <see cref="ChangePage.LatestRevision"/>. This is how a follower
    /// applies deltas instead of snapshots; <see cref="ChangedRecords.Complete"/> says whether the
    /// page brought it all the way to that revision.
    /// </summary>
    public Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the snapshot: the managed keys whose id follows <paramref name="afterKeyId"/>
    /// (ordinal; null for the first page, which also carries the topology, wrapping keys and
    /// policies), at most <paramref name="maxKeys"/>, in key id order, all at one revision
    /// (<see cref="SnapshotPage.Revision"/>). Pages read one after another may be at different
    /// revisions: a reader that pages through the keys brings what it read to the last page's
    /// revision with the change feed after the first page's revision (every record changed in
    /// between is named there). A keyserver re-syncing this way never holds every record at once;
    /// PostgreSQL reads only the page's rows (by an ordinal index on the key id), the embedded and
    /// in-memory stores slice the revision's sorted key array. The default reads a whole snapshot and pages it.
    /// </summary>
    public async Task<SnapshotPage> ReadSnapshotPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        return SnapshotPage.Of(await ReadSnapshotAsync(cancellationToken).ConfigureAwait(false), afterKeyId, maxKeys);
    }

    /// <summary>
    /// A snapshot page (as <see cref="ReadSnapshotPageAsync"/>: same keys, order, revision and
    /// paging) for a reader that builds a key index and fetches a key's wrapped private key only
    /// when it uses the key: each key's <see cref="ManagedKeyRecord.ContentDigest"/> is set and stands
    /// for its bulky fields, so the page need not carry <see cref="ManagedKeyRecord.WrappedPrivateKey"/>
    /// (empty when left out) nor <see cref="ManagedKeyRecord.CertificatePem"/> (null when left out; kept
    /// for a record without recorded <see cref="ManagedKeyRecord.IpAddresses"/>, whose reader needs the
    /// certificate to learn them). Every other field is as the full page has it. PostgreSQL reads only
    /// those columns; a store that holds its records in memory may hand out the full records, which
    /// costs it nothing (a reader must not rely on either). The default reads a full page and leaves
    /// the bulky fields out (<see cref="ManagedKeyContent.IndexForm"/>).
    /// </summary>
    public async Task<SnapshotPage> ReadKeyIndexPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        var page = await ReadSnapshotPageAsync(afterKeyId, maxKeys, cancellationToken).ConfigureAwait(false);
        var keys = new ManagedKeyRecord[page.Keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ManagedKeyContent.IndexForm(page.Keys[i]);
        }

        return page with { Keys = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(keys) };
    }

    /// <summary>
    /// Completes with the latest revision as soon as it is greater than
    /// <paramref name="afterRevision"/> (at once if it already is). PostgreSQL uses
    /// LISTEN/NOTIFY; the embedded store watches its data directory.
    /// </summary>
    public Task<long> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken);

    /// <summary>
    /// Registers or renews a keyserver's lease. The store stamps <see cref="KeyserverLease.RenewedAt"/>
    /// and <see cref="KeyserverLease.ExpiresAt"/> with its own clock (now + <paramref name="timeToLive"/>),
    /// so keyserver clock skew does not matter. Returns the lease as stored.
    /// </summary>
    public Task<KeyserverLease> RenewLeaseAsync(KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Removes a lease (a keyserver shutting down cleanly). False if there was none.</summary>
    public Task<bool> RemoveLeaseAsync(string keyserverId, CancellationToken cancellationToken);

    /// <summary>Leases that have not expired by the store's clock, ordered by keyserver id.</summary>
    public Task<IReadOnlyList<KeyserverLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken);

    /// <summary>Audit entries from sequence <paramref name="fromSequence"/> (1-based), at most <paramref name="maxCount"/>.</summary>
    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long fromSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// Checks, incrementally, that the store still holds what this instance committed and verified:
    /// audit entries added since the last check must chain to the last verified one, and what was
    /// verified before must be unchanged (the whole chain is verified once, when the store opens).
    /// Cheap enough for a readiness probe. A problem, once found, stays in every later report and
    /// makes every commit throw <see cref="StoreIntegrityException"/> until the process restarts.
    /// Throws <see cref="StoreUnavailableException"/> when the store cannot be read at all.
    /// Stores that cannot check themselves report <see cref="StoreIntegrityReport.NotChecked"/>.
    /// </summary>
    public Task<StoreIntegrityReport> CheckIntegrityAsync(CancellationToken cancellationToken) => Task.FromResult(StoreIntegrityReport.NotChecked);
}
