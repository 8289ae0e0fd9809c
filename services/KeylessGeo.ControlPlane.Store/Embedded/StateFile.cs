using System.Security.Cryptography;
using System.Text.Json;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// <c>state.json</c>, the snapshot: read whole, parsed, and replaced durably by compaction (a
/// temporary file written, fsynced and renamed over it, then the directory fsynced). A temporary
/// file stays locked (<c>flock</c>, through <see cref="FileShare.None"/>) by its writer until it
/// is closed, just before the rename under the writer lock, so a temporary file nobody holds,
/// found while holding the writer lock, is a crashed compaction's leftover and is deleted.
/// </summary>
internal sealed class StateFile
{
    /// <summary>The file's name in the data directory.</summary>
    public const string FileName = "state.json";

    public StateFile(string directory)
    {
        Directory = directory;
        Path = System.IO.Path.Combine(directory, FileName);
    }

    /// <summary>The data directory.</summary>
    public string Directory { get; }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Whether the file exists.</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>
    /// Writes <paramref name="state"/> to a new temporary file beside <c>state.json</c> and fsyncs
    /// it; <see cref="Install"/> makes it the snapshot. The temporary file stays locked until then.
    /// </summary>
    public async Task<PreparedSnapshot> PrepareAsync(EmbeddedState state, CancellationToken cancellationToken)
    {
        var temp = System.IO.Path.Combine(Directory, $"{DurableFile.TempPrefix(FileName)}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = DurableFile.FileMode,
            BufferSize = 0,
        };
        var stream = new FileStream(temp, options);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var hashing = new HashingWriteStream(stream, hash))
            {
                await JsonSerializer.SerializeAsync(hashing, state, EmbeddedJsonContext.Default.EmbeddedState, cancellationToken).ConfigureAwait(false);
            }

            stream.Flush(flushToDisk: true);
            return new PreparedSnapshot(temp, stream, stream.Length, hash.GetHashAndReset(), state.Revision);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Renames <paramref name="prepared"/> over <c>state.json</c> and fsyncs the directory; returns
    /// the new file's fingerprint. The caller holds the writer lock (the temporary file's own lock
    /// is released first: readers of <c>state.json</c> take a shared one).
    /// </summary>
    public StateFileVersion Install(PreparedSnapshot prepared)
    {
        var stamp = FileStamp.Of(prepared.Stream.SafeFileHandle);
        prepared.Stream.Dispose();
        File.Move(prepared.TempPath, Path, overwrite: true);
        DurableFile.SyncDirectory(Directory);
        return new StateFileVersion(prepared.Length, prepared.Sha256, stamp);
    }

    /// <summary>Deletes temporary snapshot files that no live writer holds (leftovers of a crash). The caller holds the writer lock.</summary>
    public void DeleteStaleTemps()
    {
        foreach (var temp in System.IO.Directory.EnumerateFiles(Directory, DurableFile.TempPrefix(FileName) + "*.tmp"))
        {
            try
            {
                using (new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // Locked by nobody: its writer is gone.
                }

                File.Delete(temp);
            }
            catch (IOException)
            {
                // Held by a compaction in progress, or already gone.
            }
        }
    }

    /// <summary>The file's bytes and stamp, read through one open handle; null when the file is missing.</summary>
    public async Task<(byte[] Content, FileStamp Stamp)?> ReadContentAsync(CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            var stamp = FileStamp.Of(stream.SafeFileHandle);
            var content = new byte[stamp.Length];
            var read = await stream.ReadAtLeastAsync(content, content.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return (read == content.Length ? content : content[..read], stamp with { Length = read });
        }
    }

    /// <summary>Parses <paramref name="content"/>; the reason it is not a sound state, or null with the state.</summary>
    public static string? TryParse(ReadOnlySpan<byte> content, out EmbeddedState? state)
    {
        try
        {
            state = JsonSerializer.Deserialize(content, EmbeddedJsonContext.Default.EmbeddedState);
        }
        catch (JsonException e)
        {
            state = null;
            return e.Message;
        }

        var problem = state is null ? "it holds null" : state.FindInconsistency();
        if (problem is not null)
        {
            state = null;
        }

        return problem;
    }
}
