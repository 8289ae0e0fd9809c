namespace KeylessGeo.ControlPlane.Store;

/// <summary>A commit expected a revision that is no longer the latest: another change landed first.</summary>
public sealed class StoreConflictException : Exception
{
    public StoreConflictException(long expectedRevision, long actualRevision)
        : base($"the store moved from revision {expectedRevision} to {actualRevision} while this change was prepared; nothing was applied")
    {
        ExpectedRevision = expectedRevision;
        ActualRevision = actualRevision;
    }

    public long ExpectedRevision { get; }

    public long ActualRevision { get; }
}
