using KeylessGeo.ControlPlane.Store.Changes;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// What an operation decided after validating against one revision of the state: the one change to commit
/// (or none), and how to describe the outcome once it is committed.
/// </summary>
/// <typeparam name="T">The operation's result.</typeparam>
internal sealed class Plan<T>
{
    private Plan(ChangeSet? changes, Func<long, T> result)
    {
        Changes = changes;
        Result = result;
    }

    /// <summary>The change, or null when the operation changes nothing.</summary>
    public ChangeSet? Changes { get; }

    /// <summary>The result, given the revision the change was committed at (or the revision planned against).</summary>
    public Func<long, T> Result { get; }

    /// <summary>Commit <paramref name="changes"/>, then describe the outcome.</summary>
    public static Plan<T> Commit(ChangeSet changes, Func<long, T> result) => new(changes, result);

    /// <summary>Nothing to commit; <paramref name="result"/> describes the current state.</summary>
    public static Plan<T> Unchanged(Func<long, T> result) => new(null, result);
}
