using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Integrity;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Knows what this process last wrote or verified in the data directory (the state file's length
/// and SHA-256, the verified audit chain) and finds when the files no longer match: a state file
/// that was truncated, edited or replaced, an audit log whose tail was removed or whose entries
/// were edited. A later state written by another process's commit is accepted once the audit
/// entries it adds chain to the last verified one. The first problem is latched: from then on
/// every commit throws <see cref="StoreIntegrityException"/> and nothing is written, until a
/// restart verifies the (repaired) files again. Not thread-safe but for <see cref="Report"/>: the
/// store calls everything else under its commit gate.
/// </summary>
internal sealed class EmbeddedIntegrity : IDisposable
{
    private readonly StateFile _stateFile;
    private readonly AuditLogTracker _audit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _problemsLock = new();
    private EmbeddedState? _state;
    private StateFileVersion? _version;
    private ImmutableArray<StoreIntegrityProblem> _problems = [];

    public EmbeddedIntegrity(StateFile stateFile, string auditPath, TimeProvider time, ILogger logger)
    {
        _stateFile = stateFile;
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

    /// <summary>Reads the state file and verifies the whole audit chain against it. A state file that cannot be read is unavailable, as before.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var read = await _stateFile.ReadContentAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is missing");
        if (StateFile.TryParse(read.Content, out var state) is { } error)
        {
            throw new StoreUnavailableException($"the embedded store's state file {_stateFile.Path} is corrupt: {error}");
        }

        _state = state!;
        _version = StateFileVersion.Of(read.Content, read.Stamp);
        Latch(await _audit.OpenAsync(_state, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>The cheap check for probes: file stamps, the audit log's last verified line, new entries.</summary>
    public async Task<StoreIntegrityReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (Problems.IsEmpty)
        {
            await VerifyAsync(deep: false, cancellationToken).ConfigureAwait(false);
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
    /// Before a commit, under the writer lock: hashes the state file whatever its stamp says and
    /// checks the audit log; returns the verified committed state or throws <see cref="StoreIntegrityException"/>.
    /// </summary>
    public async Task<EmbeddedState> VerifyForCommitAsync(CancellationToken cancellationToken)
    {
        ThrowIfDamaged();
        var state = await VerifyAsync(deep: true, cancellationToken).ConfigureAwait(false);
        ThrowIfDamaged();
        return state!;
    }

    /// <summary>Records this process's commit: the state it wrote and the audit line it appended.</summary>
    public void Committed(EmbeddedState state, StateFileVersion version, AuditAppend appended)
    {
        _state = state;
        _version = version;
        _audit.Appended(state.AuditHead!, appended);
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

    private async Task<EmbeddedState?> VerifyAsync(bool deep, CancellationToken cancellationToken)
    {
        // The audit log first: a later state is accepted only once the entries it adds chain to what was verified.
        var auditProblem = await _audit.CheckAsync(cancellationToken).ConfigureAwait(false);
        var (state, stateProblem) = await CheckStateAsync(deep, auditProblem is null, cancellationToken).ConfigureAwait(false);
        Latch(auditProblem, stateProblem);
        return state;
    }

    private async Task<(EmbeddedState? State, StoreIntegrityProblem? Problem)> CheckStateAsync(bool deep, bool auditIntact, CancellationToken cancellationToken)
    {
        if (!deep && FileStamp.Of(_stateFile.Path) is { } stamp && stamp == _version!.Stamp)
        {
            return (_state, null);
        }

        var read = await _stateFile.ReadContentAsync(cancellationToken).ConfigureAwait(false);
        if (read is null)
        {
            return (null, StateProblem($"the state file {_stateFile.Path} is missing", "no file", null));
        }

        var version = StateFileVersion.Of(read.Value.Content, read.Value.Stamp);
        if (version.SameContent(_version!))
        {
            _version = version;
            return (_state, null);
        }

        if (StateFile.TryParse(read.Value.Content, out var parsed) is { } error)
        {
            return (null, StateProblem($"the state file {_stateFile.Path} was changed behind the store and no longer parses ({error})", version.ToString(), null));
        }

        if (parsed!.Revision <= _state!.Revision)
        {
            return (null, StateProblem(
                $"the state file {_stateFile.Path} was changed behind the store: it holds revision {parsed.Revision}, "
                + $"but this process last wrote or verified revision {_state.Revision} (another writer's commit would have a later revision)",
                $"revision {parsed.Revision}, {version}", parsed.AuditHead?.Sequence));
        }

        if (!auditIntact)
        {
            // The audit problem is already reported; a later state cannot be judged without a sound log.
            return (null, null);
        }

        if (await _audit.ExtendAsync(parsed, _stateFile.Path, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            return (null, problem);
        }

        _state = parsed;
        _version = version;
        return (parsed, null);
    }

    private StoreIntegrityProblem StateProblem(string message, string found, long? sequence) => new()
    {
        Code = StoreIntegrityCodes.StateFileChanged,
        Message = $"{message}; expected revision {_state!.Revision} as {_version}",
        Location = _stateFile.Path,
        Sequence = sequence,
        Expected = $"revision {_state.Revision}, {_version}",
        Found = found,
        DetectedAt = _time.GetUtcNow(),
    };

    private void Latch(StoreIntegrityProblem? first, StoreIntegrityProblem? second)
    {
        foreach (var problem in new[] { first, second })
        {
            if (problem is not null)
            {
                lock (_problemsLock)
                {
                    _problems = _problems.Add(problem);
                }

                EmbeddedStoreLog.IntegrityProblem(_logger, _stateFile.Directory, problem.Code, problem.Message);
            }
        }
    }
}
