using System.Text.Json;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// <c>state.json</c>: loads it (reusing the last parsed document while the revision in the
/// file's first bytes is unchanged) and replaces it durably. Any failure to read or parse it is
/// a <see cref="StoreUnavailableException"/> naming the file: the store never starts empty over
/// a state it cannot read.
/// </summary>
internal sealed class StateFile
{
    /// <summary>The file's name in the data directory.</summary>
    public const string FileName = "state.json";

    private readonly Lock _lock = new();
    private EmbeddedState? _cached;

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

    /// <summary>The committed revision, from the file's first bytes when they are enough.</summary>
    public async Task<long> ReadRevisionAsync(CancellationToken cancellationToken)
    {
        await using var stream = OpenForRead();
        var prefix = new byte[StateFileHeader.MaxLength];
        var length = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (StateFileHeader.TryReadRevision(prefix.AsSpan(0, length), out var revision))
        {
            return revision;
        }

        stream.Position = 0;
        return (await ParseAsync(stream, cancellationToken).ConfigureAwait(false)).Revision;
    }

    /// <summary>The committed state; the cached document when the file still holds its revision.</summary>
    public async Task<EmbeddedState> LoadAsync(CancellationToken cancellationToken)
    {
        // One open file for the header check and the full read: a rename in between cannot mix two versions.
        await using var stream = OpenForRead();
        var cached = Volatile.Read(ref _cached);
        if (cached is not null)
        {
            var prefix = new byte[StateFileHeader.MaxLength];
            var length = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (StateFileHeader.TryReadRevision(prefix.AsSpan(0, length), out var revision) && revision == cached.Revision)
            {
                return cached;
            }

            stream.Position = 0;
        }

        var state = await ParseAsync(stream, cancellationToken).ConfigureAwait(false);
        Remember(state);
        return state;
    }

    /// <summary>
    /// Replaces the file with <paramref name="state"/> (temporary file, fsync, rename, directory
    /// fsync) and returns the fingerprint of what it wrote. Callers hold the writer lock, so the
    /// file's stamp read after the rename is this write's.
    /// </summary>
    public async Task<StateFileVersion> WriteAsync(EmbeddedState state, CancellationToken cancellationToken)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(state, EmbeddedJsonContext.Default.EmbeddedState);
        DurableFile.DeleteStaleTemps(Directory, FileName);
        await DurableFile.ReplaceAsync(Path, content, durable: true, cancellationToken).ConfigureAwait(false);
        Remember(state);
        var stamp = FileStamp.Of(Path) ?? throw new IOException($"{Path} vanished right after it was written");
        return StateFileVersion.Of(content, stamp);
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

    private void Remember(EmbeddedState state)
    {
        lock (_lock)
        {
            if (_cached is null || state.Revision >= _cached.Revision)
            {
                _cached = state;
            }
        }
    }

    private FileStream OpenForRead()
    {
        try
        {
            return new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);
        }
        catch (FileNotFoundException e)
        {
            throw new StoreUnavailableException($"the embedded store's state file {Path} is missing", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"could not open the embedded store's state file {Path}: {e.Message}", e);
        }
    }

    private async Task<EmbeddedState> ParseAsync(Stream stream, CancellationToken cancellationToken)
    {
        EmbeddedState? state;
        try
        {
            state = await JsonSerializer.DeserializeAsync(stream, EmbeddedJsonContext.Default.EmbeddedState, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new StoreUnavailableException($"the embedded store's state file {Path} is corrupt: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"could not read the embedded store's state file {Path}: {e.Message}", e);
        }

        var problem = state is null ? "it holds null" : state.FindInconsistency();
        if (problem is not null)
        {
            throw new StoreUnavailableException($"the embedded store's state file {Path} is corrupt: {problem}");
        }

        return state!;
    }
}
