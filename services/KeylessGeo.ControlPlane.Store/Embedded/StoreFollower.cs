namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Keeps one process's in-memory state up to date with the data directory: loads the snapshot
/// once, then applies the commit-log records other processes append, generation after
/// generation. A reader never needs the writer lock: records are appended whole and fsynced
/// before a commit is acknowledged, so a reader stops at a torn tail and reads it again later.
/// The snapshot is re-read only when its file changes (a compaction) and adopted only when the
/// log this process follows was compacted away. Serialized by its own gate; the position it
/// publishes is immutable, so reads in between never lock.
/// </summary>
internal sealed class StoreFollower : IDisposable
{
    private readonly StateFile _stateFile;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FollowPosition? _position;

    public StoreFollower(StateFile stateFile) => _stateFile = stateFile;

    /// <summary>The position last reached (null before <see cref="CatchUpAsync"/> first ran).</summary>
    public FollowPosition? Position => Volatile.Read(ref _position);

    /// <summary>The path of the commit log the follower reads now.</summary>
    public string LogPath => CommitLogFile.PathOf(_stateFile.Directory, Position?.Generation ?? 1);

    /// <summary>
    /// Applies every complete record appended since the last call (loading the snapshot first on
    /// the first call, or when the followed log was compacted away) and returns the position and
    /// whether the current file ends in a torn record. Throws <see cref="StoreUnavailableException"/>
    /// naming the file when the snapshot cannot be read or a log record is damaged.
    /// </summary>
    public async Task<(FollowPosition Position, bool Torn)> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var position = _position ?? await LoadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            position = await CheckSnapshotStampAsync(position, cancellationToken).ConfigureAwait(false);
            var (next, torn) = await FollowLogAsync(position, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _position, next);
            return (next, torn);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records this process's own commit, appended under the writer lock after a catch-up.</summary>
    public void Committed(LiveState state, long offset, byte[] framed)
    {
        var position = Position!;
        Volatile.Write(ref _position, position with { State = state, Offset = offset, LastFramed = framed });
    }

    /// <summary>Records that this process read <c>state.json</c> as <paramref name="stamp"/>, so the next catch-up does not read it again.</summary>
    public void SawSnapshot(FileStamp stamp)
    {
        var position = Position;
        if (position is not null)
        {
            Volatile.Write(ref _position, position with { SnapshotStamp = stamp });
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<FollowPosition> LoadSnapshotAsync(CancellationToken cancellationToken)
    {
        var (state, stamp) = await ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
        return new FollowPosition(LiveState.From(state), state.LogGeneration, 0, [], stamp);
    }

    private async Task<(EmbeddedState State, FileStamp Stamp)> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        var read = await _stateFile.ReadContentAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is missing");
        if (StateFile.TryParse(read.Content, out var state) is { } error)
        {
            throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is corrupt: {error}");
        }

        if (state!.Format != EmbeddedState.CurrentFormat)
        {
            throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is in format {state.Format}; open the store with write access once to migrate it");
        }

        return (state, read.Stamp);
    }

    /// <summary>
    /// A changed <c>state.json</c> (another process's compaction, or damage) is not adopted while the
    /// log continues, so only its header is read: one that no longer starts as a snapshot does fails
    /// every read, as it would fail a restart. The integrity checks judge the rest.
    /// </summary>
    private async Task<FollowPosition> CheckSnapshotStampAsync(FollowPosition position, CancellationToken cancellationToken)
    {
        var stamp = FileStamp.Of(_stateFile.Path) ?? throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is missing");
        if (stamp == position.SnapshotStamp)
        {
            return position;
        }

        var prefix = await CommitLogFile.ReadRangeAsync(_stateFile.Path, 0, StateFileHeader.MaxLength, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is missing");
        if (!StateFileHeader.TryReadFormat(prefix, out var format) || format != EmbeddedState.CurrentFormat || !StateFileHeader.TryReadRevision(prefix, out _))
        {
            throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is corrupt: it does not start as a format-{EmbeddedState.CurrentFormat} snapshot");
        }

        return position with { SnapshotStamp = stamp };
    }

    private async Task<(FollowPosition Position, bool Torn)> FollowLogAsync(FollowPosition position, CancellationToken cancellationToken)
    {
        var directory = _stateFile.Directory;
        while (true)
        {
            var path = CommitLogFile.PathOf(directory, position.Generation);

            // Checked before the scan: a generation with a successor is sealed, so reading it to its end reads all of it.
            var sealedFile = File.Exists(CommitLogFile.PathOf(directory, position.Generation + 1));
            var scan = await CommitLogFile.ScanAsync(path, position.Offset, position.State.Revision, cancellationToken).ConfigureAwait(false);
            var state = position.State;
            foreach (var record in scan.Records)
            {
                state = state.Replay(record);
            }

            position = position with
            {
                State = state,
                Offset = scan.End,
                LastFramed = scan.Records.Count > 0 ? scan.LastFramed : position.LastFramed,
            };
            switch (scan.Tail)
            {
                case CommitLogTail.Corrupt:
                    throw new StoreUnavailableException($"the embedded store's commit log {path} is damaged: {scan.Problem}");
                case CommitLogTail.Torn when sealedFile:
                    throw new StoreUnavailableException($"the embedded store's commit log {path} ends in an incomplete record though a later generation follows it");
                case CommitLogTail.Torn:
                    return (position, true);
                case CommitLogTail.Missing:
                    if (await AfterMissingLogAsync(position, sealedFile, cancellationToken).ConfigureAwait(false) is not { } moved)
                    {
                        return (position, false);
                    }

                    position = moved;
                    continue;
                case CommitLogTail.Clean when sealedFile:
                    position = position with { Generation = position.Generation + 1, Offset = 0, LastFramed = [] };
                    continue;
                default:
                    return (position, false);
            }
        }
    }

    /// <summary>Where to go on when the followed generation's file is gone; null when there is nothing more to read.</summary>
    private async Task<FollowPosition?> AfterMissingLogAsync(FollowPosition position, bool successorExists, CancellationToken cancellationToken)
    {
        var (snapshot, stamp) = await ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot.Revision > position.State.Revision)
        {
            // Compacted past this process's position: the snapshot holds everything the deleted generations did.
            return new FollowPosition(LiveState.From(snapshot), snapshot.LogGeneration, 0, [], stamp);
        }

        if (snapshot.LogGeneration > position.Generation && snapshot.Revision == position.State.Revision)
        {
            return position with { Generation = snapshot.LogGeneration, Offset = 0, LastFramed = [], SnapshotStamp = stamp };
        }

        if (position.Offset == 0 && !successorExists && snapshot.LogGeneration == position.Generation)
        {
            // The snapshot's own generation, not created yet (a new or migrated store): no records.
            return null;
        }

        throw new StoreUnavailableException(
            $"the embedded store's commit log {CommitLogFile.PathOf(_stateFile.Directory, position.Generation)} is missing, "
            + $"but this process read it up to byte {position.Offset} (revision {position.State.Revision}) and {_stateFile.Path} holds revision {snapshot.Revision}");
    }
}
