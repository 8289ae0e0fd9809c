using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Integrity;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// What this process has verified of <c>audit.log</c>: the first <see cref="Count"/> entries,
/// ending at byte <see cref="Length"/>, the last of them (<see cref="Head"/>) and its line, and a
/// running SHA-256 of those bytes. The whole chain is verified once (<see cref="OpenAsync"/>);
/// afterwards only what changed is read: the last line on every check, the whole verified prefix
/// only when the file's stamp moved without this process writing, and new entries as another
/// writer's commits add them. Not thread-safe: the store calls it under its commit gate.
/// </summary>
internal sealed class AuditLogTracker : IDisposable
{
    private readonly IncrementalHash _prefix = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly AuditProblems _problems;
    private byte[] _lastLine = [];
    private FileStamp? _stamp;

    public AuditLogTracker(string path, TimeProvider time)
    {
        Path = path;
        _problems = new AuditProblems(path, time);
    }

    /// <summary>The audit log's full path.</summary>
    public string Path { get; }

    /// <summary>How many committed entries are verified.</summary>
    public long Count { get; private set; }

    /// <summary>Where the verified entries end.</summary>
    public long Length { get; private set; }

    /// <summary>The last verified entry (null before the first commit).</summary>
    public AuditEntry? Head { get; private set; }

    /// <summary>Verifies the whole committed chain of <paramref name="state"/>: every entry, and that the last is the state's audit head.</summary>
    public async Task<StoreIntegrityProblem?> OpenAsync(AuditMark state, CancellationToken cancellationToken)
    {
        _stamp = FileStamp.Of(Path);
        if (state.Count == 0)
        {
            // Nothing committed: any bytes are a crashed first commit's leftovers.
            return null;
        }

        if (_stamp is null)
        {
            return _problems.Missing(state.Count, state.Length);
        }

        var verifier = new ChainVerifier(_problems, previous: null, committed: state.Count, keepLines: false);
        var scan = await AuditLogScan.ReadAsync(Path, 0, state.Length, _prefix, verifier.Accept, cancellationToken).ConfigureAwait(false);
        if (verifier.Problem is { } problem)
        {
            return problem;
        }

        if (verifier.Count < state.Count)
        {
            return scan.Read < state.Length
                ? _problems.CutShort(verifier.Count, state.Count, state.Length, _stamp.Value.Length)
                : _problems.Reencoded(verifier.Count, state.Count, state.Length);
        }

        if (!CryptographicOperations.FixedTimeEquals(verifier.Previous!.Hash, state.Head!.Hash))
        {
            return _problems.HeadMismatch(state, verifier.Previous);
        }

        Count = verifier.Count;
        Length = state.Length;
        Head = verifier.Previous;
        _lastLine = verifier.LastLine;
        return null;
    }

    /// <summary>
    /// The cheap check: the file still reaches <see cref="Length"/>, its last verified line is
    /// unchanged and, when its stamp moved since this process last looked, the verified prefix
    /// still hashes the same. Any difference is located by verifying the chain from the start.
    /// </summary>
    public async Task<StoreIntegrityProblem?> CheckAsync(CancellationToken cancellationToken)
    {
        var stamp = FileStamp.Of(Path);
        if (Count == 0)
        {
            _stamp = stamp;
            return null;
        }

        if (stamp is null)
        {
            return _problems.Missing(Count, Length);
        }

        if (stamp.Value.Length < Length || !await LastLineIntactAsync(cancellationToken).ConfigureAwait(false))
        {
            return await LocateAsync(cancellationToken).ConfigureAwait(false);
        }

        if (stamp != _stamp)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var scan = await AuditLogScan.ReadAsync(Path, 0, Length, hash, onLine: null, cancellationToken).ConfigureAwait(false);
            if (scan.Read < Length || !CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), _prefix.GetCurrentHash()))
            {
                return await LocateAsync(cancellationToken).ConfigureAwait(false);
            }

            _stamp = stamp;
        }

        return null;
    }

    /// <summary>
    /// Accepts the entries a later state (another writer's commit) adds, once they chain to
    /// <see cref="Head"/> and the last of them is that state's audit head. Call after <see cref="CheckAsync"/> found nothing.
    /// </summary>
    public async Task<StoreIntegrityProblem?> ExtendAsync(AuditMark newer, string statePath, CancellationToken cancellationToken)
    {
        if (newer.Count <= Count || newer.Length <= Length || newer.Head is null)
        {
            return _problems.NoNewEntry(newer, statePath, Count);
        }

        if (newer.Head.Revision != newer.Revision)
        {
            return _problems.HeadRevisionMismatch(newer, statePath);
        }

        var stamp = FileStamp.Of(Path);
        if (stamp is null)
        {
            return _problems.Missing(newer.Count, newer.Length);
        }

        var verifier = new ChainVerifier(_problems, Head, newer.Count, keepLines: true);
        var scan = await AuditLogScan.ReadAsync(Path, Length, newer.Length, hash: null, verifier.Accept, cancellationToken).ConfigureAwait(false);
        if (verifier.Problem is { } problem)
        {
            return problem;
        }

        if (verifier.Count < newer.Count)
        {
            return scan.Read < newer.Length - Length
                ? _problems.CutShort(verifier.Count, newer.Count, newer.Length, stamp.Value.Length)
                : _problems.Reencoded(verifier.Count, newer.Count, newer.Length);
        }

        if (!CryptographicOperations.FixedTimeEquals(verifier.Previous!.Hash, newer.Head.Hash))
        {
            return _problems.HeadMismatch(newer, verifier.Previous, statePath);
        }

        foreach (var line in verifier.Lines)
        {
            _prefix.AppendData(line);
        }

        Count = verifier.Count;
        Length = newer.Length;
        Head = verifier.Previous;
        _lastLine = verifier.LastLine;
        _stamp = stamp;
        return null;
    }

    /// <summary>Records this process's own commit: <paramref name="appended"/> holds <paramref name="entry"/>.</summary>
    public void Appended(AuditEntry entry, AuditAppend appended)
    {
        _prefix.AppendData(appended.Line);
        Count = entry.Sequence;
        Length = appended.Length;
        Head = entry;
        _lastLine = appended.Line;
        _stamp = FileStamp.Of(Path);
    }

    public void Dispose() => _prefix.Dispose();

    private async Task<bool> LastLineIntactAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[_lastLine.Length];
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        var offset = Length - buffer.Length;
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(filled), offset + filled, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            filled += read;
        }

        return buffer.AsSpan().SequenceEqual(_lastLine);
    }

    /// <summary>Verifies the chain from the start to name the first entry that is missing, unreadable or edited.</summary>
    private async Task<StoreIntegrityProblem> LocateAsync(CancellationToken cancellationToken)
    {
        var stamp = FileStamp.Of(Path);
        if (stamp is null)
        {
            return _problems.Missing(Count, Length);
        }

        var verifier = new ChainVerifier(_problems, previous: null, committed: Count, keepLines: false);
        var scan = await AuditLogScan.ReadAsync(Path, 0, Length, hash: null, verifier.Accept, cancellationToken).ConfigureAwait(false);
        if (verifier.Problem is { } problem)
        {
            return problem;
        }

        if (verifier.Count < Count)
        {
            return scan.Read < Length
                ? _problems.CutShort(verifier.Count, Count, Length, stamp.Value.Length)
                : _problems.Reencoded(verifier.Count, Count, Length);
        }

        return CryptographicOperations.FixedTimeEquals(verifier.Previous!.Hash, Head!.Hash)
            ? _problems.BytesChanged(Count, Length)
            : _problems.Rewritten(Head, verifier.Previous);
    }
}
