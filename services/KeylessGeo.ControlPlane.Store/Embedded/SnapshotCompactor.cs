namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Folds the commit log into a new snapshot without holding up commits for long. Under the writer
/// lock it starts the next commit-log generation (so the state at the current revision is fixed);
/// without the lock it writes that state to a temporary file and fsyncs it; under the lock again
/// it renames the file over <c>state.json</c>, fsyncs the directory and only then deletes the
/// generations the snapshot covers. A crash at any point leaves either the old snapshot with every
/// generation after it, or the new one: no acknowledged commit is ever only in a deleted file.
/// </summary>
internal sealed class SnapshotCompactor(
    string directory, StateFile stateFile, StoreFollower follower, EmbeddedIntegrity integrity, EmbeddedStoreOptions options)
{
    /// <summary>Writes a snapshot of the current revision; false when the log held nothing to fold.</summary>
    public async Task<bool> CompactAsync(CancellationToken cancellationToken)
    {
        LiveState state;
        long generation;
        using (await WriterLock.AcquireAsync(directory, options.LockTimeout, cancellationToken).ConfigureAwait(false))
        {
            var (position, torn) = await integrity.VerifyForWriteAsync(hashSnapshot: true, cancellationToken).ConfigureAwait(false);
            if (position.Offset == 0 && !torn && integrity.SnapshotRevision == position.State.Revision)
            {
                return false;
            }

            var path = CommitLogFile.PathOf(directory, position.Generation);
            if (torn)
            {
                // A crashed commit's torn record must not end a sealed generation: readers would take it for damage.
                await CommitLogFile.TruncateAsync(path, position.Offset, cancellationToken).ConfigureAwait(false);
            }

            state = position.State;
            generation = position.Generation;
            CommitLogFile.Create(CommitLogFile.PathOf(directory, generation + 1));
            await ReachedAsync(CompactionStep.Rotated, cancellationToken).ConfigureAwait(false);
        }

        await using var prepared = await stateFile.PrepareAsync(state.ToDocument(generation + 1), cancellationToken).ConfigureAwait(false);
        await ReachedAsync(CompactionStep.SnapshotWritten, cancellationToken).ConfigureAwait(false);
        using (await WriterLock.AcquireAsync(directory, options.LockTimeout, cancellationToken).ConfigureAwait(false))
        {
            // Another process may have compacted meanwhile; its snapshot is at least as new, so this one is dropped.
            await integrity.VerifyForWriteAsync(hashSnapshot: false, cancellationToken).ConfigureAwait(false);
            if (integrity.SnapshotRevision >= state.Revision || !File.Exists(prepared.TempPath))
            {
                return false;
            }

            var version = stateFile.Install(prepared);
            integrity.SnapshotWritten(version, state.Revision);
            follower.SawSnapshot(version.Stamp);
            await ReachedAsync(CompactionStep.Installed, cancellationToken).ConfigureAwait(false);
            foreach (var obsolete in CommitLogFile.Generations(directory))
            {
                if (obsolete <= generation)
                {
                    File.Delete(CommitLogFile.PathOf(directory, obsolete));
                }
            }

            DurableFile.SyncDirectory(directory);
            stateFile.DeleteStaleTemps();
        }

        await ReachedAsync(CompactionStep.Done, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private Task ReachedAsync(CompactionStep step, CancellationToken cancellationToken) =>
        options.CompactionStepReached?.Invoke(step, cancellationToken) ?? Task.CompletedTask;
}
