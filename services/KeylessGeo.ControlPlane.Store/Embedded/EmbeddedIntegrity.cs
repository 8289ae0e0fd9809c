using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Integrity;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Knows what this process last wrote or verified in the data directory (the snapshot's length,
/// SHA-256 and revision, the commit-log position and its last record, the verified audit chain)
/// and finds when the files no longer match: a snapshot that was truncated, edited, rolled back or
/// forged, a commit log that was cut or edited, an audit log whose tail was removed or whose
/// entries were edited. Later commits and snapshots written by other processes are accepted once
/// the audit entries they add chain to the last verified one. The first problem is latched: from
/// then on every commit throws <see cref="StoreIntegrityException"/> and nothing is written, until
/// a restart verifies the (repaired) files again. Not thread-safe but for <see cref="Report"/>: the
/// store calls everything else under its commit gate.
/// </summary>
internal sealed class EmbeddedIntegrity : IDisposable
{
    private readonly StateFile _stateFile;
    private readonly StoreFollower _follower;
    private readonly AuditLogTracker _audit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _problemsLock = new();
    private StateFileVersion? _snapshot;
    private long _snapshotRevision;
    private long _verifiedRevision;
    private ImmutableArray<StoreIntegrityProblem> _problems = [];

    public EmbeddedIntegrity(StateFile stateFile, StoreFollower follower, string auditPath, TimeProvider time, ILogger logger)
    {
        _stateFile = stateFile;
        _follower = follower;
        _audit = new AuditLogTracker(auditPath, time);
        _time = time;
        _logger = logger;
    }

    /// <summary>Every problem found so far (empty while the store is intact).</summary>
    public ImmutableArray<StoreIntegrityProblem> Problems
    {
        get
        {
            lock (_problemsLock)
            {
                return _problems;
            }
        }
    }

    /// <summary>The length of the snapshot this process last wrote or verified.</summary>
    public long SnapshotLength => _snapshot?.Length ?? 0;

    /// <summary>The revision of the snapshot this process last wrote or verified.</summary>
    public long SnapshotRevision => _snapshotRevision;

    /// <summary>
    /// Reads the snapshot and the commit log and verifies the whole audit chain against them. A
    /// snapshot or log that cannot be read is unavailable, as before; a broken chain is reported.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var read = await _stateFile.ReadContentAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is missing");
        if (StateFile.TryParse(read.Content, out var state) is { } error)
        {
            throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is corrupt: {error}");
        }

        _snapshot = StateFileVersion.Of(read.Content, read.Stamp);
        _snapshotRevision = state!.Revision;
        var (position, _) = await _follower.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        _verifiedRevision = position.State.Revision;
        Latch(await _audit.OpenAsync(position.State.Audit, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The cheap check for probes: file stamps, the last audit line and log record, new commits.</summary>
    public async Task<StoreIntegrityReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (Problems.IsEmpty)
        {
            await VerifyAsync(hashSnapshot: false, cancellationToken).ConfigureAwait(false);
        }

        return Report();
    }

    /// <summary>What is known now, without I/O.</summary>
    public StoreIntegrityReport Report()
    {
        var problems = Problems;
        var count = _audit.Count;
        return problems.IsEmpty ? StoreIntegrityReport.Intact(count) : StoreIntegrityReport.Damaged(problems, count);
    }

    /// <summary>
    /// Under the writer lock, before a commit (<paramref name="hashSnapshot"/> false: the snapshot is
    /// checked by its stamp) or a compaction (true: hashed whatever its stamp says, since the
    /// compaction replaces it): checks everything and catches up with other writers; returns the
    /// verified position or throws <see cref="StoreIntegrityException"/>.
    /// </summary>
    public async Task<(FollowPosition Position, bool Torn)> VerifyForWriteAsync(bool hashSnapshot, CancellationToken cancellationToken)
    {
        ThrowIfDamaged();
        var verified = await VerifyAsync(hashSnapshot, cancellationToken).ConfigureAwait(false);
        ThrowIfDamaged();
        return verified!.Value;
    }

    /// <summary>Records this process's commit: the audit line it appended.</summary>
    public void Committed(AuditMark mark, AuditAppend appended)
    {
        _audit.Appended(mark.Head!, appended);
        _verifiedRevision = mark.Revision;
    }

    /// <summary>Records this process's compaction: the snapshot it installed.</summary>
    public void SnapshotWritten(StateFileVersion version, long revision)
    {
        _snapshot = version;
        _snapshotRevision = revision;
    }

    public void Dispose() => _audit.Dispose();

    private void ThrowIfDamaged()
    {
        var problems = Problems;
        if (!problems.IsEmpty)
        {
            throw new StoreIntegrityException(problems);
        }
    }

    private async Task<(FollowPosition Position, bool Torn)?> VerifyAsync(bool hashSnapshot, CancellationToken cancellationToken)
    {
        // The audit log first: later commits are accepted only once the entries they add chain to what was verified.
        if (Latch(await _audit.CheckAsync(cancellationToken).ConfigureAwait(false)))
        {
            return null;
        }

        var (snapshotProblem, newer) = await CheckSnapshotAsync(hashSnapshot, cancellationToken).ConfigureAwait(false);
        if (Latch(snapshotProblem))
        {
            return null;
        }

        (FollowPosition Position, bool Torn) followed;
        try
        {
            followed = await _follower.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e) when (e.InnerException is null)
        {
            Latch(LogProblem(e.Message));
            return null;
        }

        var state = followed.Position.State;
        if (newer is not null && newer.Revision > state.Revision)
        {
            // No commit reached this revision: the snapshot was not written by a compaction.
            Latch(new AuditProblems(_audit.Path, _time).NoNewEntry(newer.Audit, _stateFile.Path, _audit.Count));
            return null;
        }

        if (state.Revision != _verifiedRevision && Latch(await _audit.ExtendAsync(state.Audit, _follower.LogPath, cancellationToken).ConfigureAwait(false)))
        {
            return null;
        }

        _verifiedRevision = state.Revision;
        if (Latch(await CheckLastRecordAsync(followed.Position, cancellationToken).ConfigureAwait(false)))
        {
            return null;
        }

        return followed;
    }

    /// <summary>The snapshot file: unchanged, or a later compaction's (judged against the log once it is followed), or damage.</summary>
    private async Task<(StoreIntegrityProblem? Problem, EmbeddedState? Newer)> CheckSnapshotAsync(bool hash, CancellationToken cancellationToken)
    {
        if (!hash && FileStamp.Of(_stateFile.Path) is { } stamp && stamp == _snapshot!.Stamp)
        {
            return (null, null);
        }

        var read = await _stateFile.ReadContentAsync(cancellationToken).ConfigureAwait(false);
        if (read is null)
        {
            return (SnapshotProblem($"the state file {_stateFile.Path} is missing", "no file", null), null);
        }

        var version = StateFileVersion.Of(read.Value.Content, read.Value.Stamp);
        if (version.SameContent(_snapshot!))
        {
            _snapshot = version;
            return (null, null);
        }

        if (StateFile.TryParse(read.Value.Content, out var parsed) is { } error)
        {
            return (SnapshotProblem($"the state file {_stateFile.Path} was changed behind the store and no longer parses ({error})", version.ToString(), null), null);
        }

        if (parsed!.Revision <= _snapshotRevision || parsed.Format != EmbeddedState.CurrentFormat)
        {
            return (SnapshotProblem(
                $"the state file {_stateFile.Path} was changed behind the store: it holds revision {parsed.Revision}, "
                + $"but this process last wrote or verified revision {_snapshotRevision} (another process's compaction would hold a later revision)",
                $"revision {parsed.Revision}, {version}", parsed.AuditHead?.Sequence), null);
        }

        _snapshot = version;
        _snapshotRevision = parsed.Revision;
        _follower.SawSnapshot(version.Stamp);
        return (null, parsed);
    }

    /// <summary>The last commit-log record this process read or wrote is still there, byte for byte.</summary>
    private async Task<StoreIntegrityProblem?> CheckLastRecordAsync(FollowPosition position, CancellationToken cancellationToken)
    {
        if (position.LastFramed.Length == 0)
        {
            return null;
        }

        var path = CommitLogFile.PathOf(_stateFile.Directory, position.Generation);
        var bytes = await CommitLogFile.ReadRangeAsync(path, position.Offset - position.LastFramed.Length, position.LastFramed.Length, cancellationToken).ConfigureAwait(false);
        return bytes is not null && bytes.AsSpan().SequenceEqual(position.LastFramed)
            ? null
            : LogProblem($"the embedded store's commit log {path} no longer holds the record of revision {position.State.Revision} this process read or wrote at byte {position.Offset - position.LastFramed.Length}");
    }

    private StoreIntegrityProblem LogProblem(string message) => new()
    {
        Code = StoreIntegrityCodes.StateFileChanged,
        Message = message,
        Location = _follower.LogPath,
        Expected = $"the commit log as written, through revision {_verifiedRevision}",
        Found = "a damaged or shortened commit log",
        DetectedAt = _time.GetUtcNow(),
    };

    private StoreIntegrityProblem SnapshotProblem(string message, string found, long? sequence) => new()
    {
        Code = StoreIntegrityCodes.StateFileChanged,
        Message = $"{message}; expected revision {_verifiedRevision} (snapshot at revision {_snapshotRevision}, {_snapshot})",
        Location = _stateFile.Path,
        Sequence = sequence,
        Expected = $"revision {_verifiedRevision} (snapshot at revision {_snapshotRevision}, {_snapshot})",
        Found = found,
        DetectedAt = _time.GetUtcNow(),
    };

    /// <summary>Latches <paramref name="problem"/> if there is one; true when there was.</summary>
    private bool Latch(StoreIntegrityProblem? problem)
    {
        if (problem is null)
        {
            return false;
        }

        lock (_problemsLock)
        {
            _problems = _problems.Add(problem);
        }

        EmbeddedStoreLog.IntegrityProblem(_logger, _stateFile.Directory, problem.Code, problem.Message);
        return true;
    }
}
