namespace KeylessGeo.ControlPlane.Health;

/// <summary>
/// Whether the commit path works: the last commit that failed in the store (unreachable, refusing
/// because of damage, out of disk) is kept until a later commit succeeds. Conflicts and refused
/// operations are not failures of the path. Thread-safe.
/// </summary>
public sealed class CommitHealth
{
    private readonly TimeProvider _time;
    private CommitFailure? _lastFailure;
    private long _failures;

    /// <summary>Creates the tracker on <paramref name="time"/>.</summary>
    public CommitHealth(TimeProvider time) => _time = time;

    /// <summary>The last commit failure when no commit has succeeded since; null while commits work.</summary>
    public CommitFailure? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>How many commits have failed since start (for a counter).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Records a commit the store did not take.</summary>
    public void Failed(string operation, string code, string reason)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _lastFailure, new CommitFailure(operation, code, reason, _time.GetUtcNow()));
    }

    /// <summary>Records a commit the store took.</summary>
    public void Succeeded() => Volatile.Write(ref _lastFailure, null);
}
