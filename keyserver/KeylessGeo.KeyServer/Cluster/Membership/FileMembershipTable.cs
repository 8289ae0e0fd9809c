using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// The embedded Orleans membership table: one JSON file per cluster id in a directory shared by
/// the keyserver processes of one machine, with no server and no primary silo. Every change is
/// a read-modify-write under the file's exclusive lock (<see cref="MembershipFileLock"/>),
/// written crash-safely (<see cref="MembershipFile"/>); reads take no lock, since a file is only
/// ever replaced whole. Any process may die at any moment, the lock included, and the others
/// carry on. Inserts and updates succeed only against the table version (and row etag) the
/// caller read; I-am-alive updates touch neither.
/// </summary>
public sealed class FileMembershipTable : MembershipTableBase
{
    /// <summary>How long an operation waits for the lock before it fails (Orleans retries it).</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(10);

    private readonly string _directory;
    private readonly string _clusterId;
    private readonly TimeSpan _lockTimeout;
    private readonly ILogger _logger;
    private readonly MembershipFileNames _files;

    /// <summary>Creates the table of <paramref name="clusterId"/> in <paramref name="directory"/>.</summary>
    public FileMembershipTable(string directory, string clusterId, ILogger<FileMembershipTable> logger, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = Path.GetFullPath(directory);
        _clusterId = clusterId;
        _logger = logger;
        _lockTimeout = lockTimeout ?? DefaultLockTimeout;
        _files = MembershipFileNames.For(_directory, clusterId);
    }

    /// <summary>The file this table keeps its cluster in.</summary>
    public string TablePath => _files.TablePath;

    /// <inheritdoc />
    public override async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        MembershipFile.EnsureDirectory(_directory);
        using var held = await MembershipFileLock.AcquireAsync(_files.LockPath, _lockTimeout, cancellationToken).ConfigureAwait(false);
        MembershipFile.DeleteStaleTemps(_files.TablePath);

        // Reading also proves an existing file is intact before the silo relies on it.
        var existing = await MembershipFile.ReadAsync(_files.TablePath, _clusterId, cancellationToken).ConfigureAwait(false);
        if (existing is null && tryInitTableVersion)
        {
            await MembershipFile.ReplaceAsync(_files.TablePath, FileMembershipDocument.Empty(_clusterId), cancellationToken).ConfigureAwait(false);
        }

        MembershipLog.FileTableOpened(_logger, _files.TablePath, _clusterId, existing?.Version ?? 0, existing?.Silos.Count ?? 0);
    }

    /// <inheritdoc />
    public override async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        var files = MembershipFileNames.For(_directory, clusterId);
        if (!Directory.Exists(_directory))
        {
            return;
        }

        // The lock file stays: deleting it would let two writers lock two different files.
        using var held = await MembershipFileLock.AcquireAsync(files.LockPath, _lockTimeout, cancellationToken).ConfigureAwait(false);
        MembershipFile.Delete(files.TablePath);
        MembershipLog.FileTableDeleted(_logger, files.TablePath, clusterId);
    }

    /// <inheritdoc />
    public override async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        await ChangeAsync(document =>
        {
            var kept = document.Silos.Where(row => !MembershipEntryCodec.IsDefunct(row.Entry, beforeDate)).ToArray();
            removed = document.Silos.Count - kept.Length;

            // Like Orleans's own tables: removing dead silos changes no version a writer depends on.
            return removed == 0 ? null : document with { Silos = kept };
        }, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            MembershipLog.DefunctSilosRemoved(_logger, removed, _clusterId, beforeDate);
        }
    }

    /// <inheritdoc />
    public override async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var document = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var version = new TableVersion(document.Version, document.VersionEtag);
        var row = Find(document, MembershipEntryCodec.Key(key));
        return row is null
            ? new MembershipTableData(version)
            : new MembershipTableData(Tuple.Create(MembershipEntryCodec.FromDocument(row.Entry), row.Etag), version);
    }

    /// <inheritdoc />
    public override async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var document = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var rows = document.Silos.Select(row => Tuple.Create(MembershipEntryCodec.FromDocument(row.Entry), row.Etag)).ToList();
        return new MembershipTableData(rows, new TableVersion(document.Version, document.VersionEtag));
    }

    /// <inheritdoc />
    public override async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var stored = MembershipEntryCodec.ToDocument(entry);
        var inserted = false;
        await ChangeAsync(document =>
        {
            if (!IsNextVersion(document, tableVersion) || Find(document, stored.SiloAddress) is not null)
            {
                return null;
            }

            inserted = true;
            return document with
            {
                Version = tableVersion.Version,
                VersionEtag = MembershipEtag.New(),
                Silos = [.. document.Silos, new FileMembershipRow(MembershipEtag.New(), stored)],
            };
        }, cancellationToken).ConfigureAwait(false);
        return inserted;
    }

    /// <inheritdoc />
    public override async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var stored = MembershipEntryCodec.ToDocument(entry);
        var updated = false;
        await ChangeAsync(document =>
        {
            var index = IndexOf(document, stored.SiloAddress);
            if (!IsNextVersion(document, tableVersion) || index < 0 || !string.Equals(document.Silos[index].Etag, etag, StringComparison.Ordinal))
            {
                return null;
            }

            updated = true;
            var silos = document.Silos.ToArray();
            silos[index] = new FileMembershipRow(MembershipEtag.New(), stored);
            return document with { Version = tableVersion.Version, VersionEtag = MembershipEtag.New(), Silos = silos };
        }, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <inheritdoc />
    public override async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.SiloAddress);
        var key = MembershipEntryCodec.Key(entry.SiloAddress);
        var found = true;
        await ChangeAsync(document =>
        {
            var index = IndexOf(document, key);
            if (index < 0)
            {
                found = false;
                return null;
            }

            // A dirty write, as Orleans allows: neither the table version nor the row etag
            // changes, so a concurrent vote or status change is never refused because of it.
            var silos = document.Silos.ToArray();
            var row = silos[index];
            silos[index] = row with { Entry = row.Entry with { IAmAliveTime = MembershipEntryCodec.Utc(entry.IAmAliveTime) } };
            return document with { Silos = silos };
        }, cancellationToken).ConfigureAwait(false);
        if (!found)
        {
            MembershipLog.IAmAliveForMissingRow(_logger, key, _clusterId);
        }
    }

    /// <summary>
    /// One read-modify-write under the lock: <paramref name="change"/> gets the current table and
    /// returns the new one, or null to leave the file untouched.
    /// </summary>
    private async Task ChangeAsync(Func<FileMembershipDocument, FileMembershipDocument?> change, CancellationToken cancellationToken)
    {
        MembershipFile.EnsureDirectory(_directory);
        using var held = await MembershipFileLock.AcquireAsync(_files.LockPath, _lockTimeout, cancellationToken).ConfigureAwait(false);
        var current = await MembershipFile.ReadAsync(_files.TablePath, _clusterId, cancellationToken).ConfigureAwait(false) ?? FileMembershipDocument.Empty(_clusterId);
        var next = change(current);
        if (next is not null)
        {
            await MembershipFile.ReplaceAsync(_files.TablePath, next, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FileMembershipDocument> ReadAsync(CancellationToken cancellationToken) =>
        await MembershipFile.ReadAsync(_files.TablePath, _clusterId, cancellationToken).ConfigureAwait(false) ?? FileMembershipDocument.Empty(_clusterId);

    /// <summary>
    /// The caller read the current version (same etag) and asks for the one after it. The etag
    /// alone decides in Orleans's own tables; the number is checked too, so a caller that skips
    /// a version is refused rather than trusted.
    /// </summary>
    private static bool IsNextVersion(FileMembershipDocument document, TableVersion requested) =>
        string.Equals(document.VersionEtag, requested.VersionEtag, StringComparison.Ordinal)
        && requested.Version == document.Version + 1;

    private static FileMembershipRow? Find(FileMembershipDocument document, string key)
    {
        var index = IndexOf(document, key);
        return index < 0 ? null : document.Silos[index];
    }

    private static int IndexOf(FileMembershipDocument document, string key)
    {
        for (var i = 0; i < document.Silos.Count; i++)
        {
            if (string.Equals(document.Silos[i].Entry.SiloAddress, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
