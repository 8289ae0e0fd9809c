using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>
/// Bounds the change feed: keeps at most a retention's worth of change records, dropping whole
/// revisions from the oldest end so a revision's records are all there or all gone. The newest
/// dropped revision tells readers when a page is truncated (<see cref="IsTruncated"/>).
/// </summary>
internal static class ChangeFeedRetention
{
    /// <summary>The default number of change records a store keeps.</summary>
    public const int DefaultRecords = 10_000;

    /// <summary>
    /// <paramref name="retained"/> followed by <paramref name="added"/>, trimmed to
    /// <paramref name="retention"/> records, and the newest revision dropped so far.
    /// </summary>
    public static (ImmutableArray<ChangeRecord> Retained, long TruncatedThrough) Append(
        ImmutableArray<ChangeRecord> retained, IReadOnlyList<ChangeRecord> added, int retention, long truncatedThrough)
    {
        var all = retained.AddRange(added);
        var drop = 0;
        while (all.Length - drop > retention)
        {
            // Past the retention: drop the oldest remaining revision whole.
            truncatedThrough = Math.Max(truncatedThrough, all[drop].Revision);
            var revision = all[drop].Revision;
            while (drop < all.Length && all[drop].Revision == revision)
            {
                drop++;
            }
        }

        return (drop == 0 ? all : all.RemoveRange(0, drop), truncatedThrough);
    }

    /// <summary>Whether changes after <paramref name="afterRevision"/> were dropped.</summary>
    public static bool IsTruncated(long afterRevision, long truncatedThrough) => truncatedThrough > afterRevision;
}
