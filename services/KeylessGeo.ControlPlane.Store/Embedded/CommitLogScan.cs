namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>The complete records a scan of one commit-log file found after an offset, and what followed them.</summary>
/// <param name="Records">Complete, verified records, oldest first.</param>
/// <param name="End">The offset after the last complete record.</param>
/// <param name="LastFramed">The last complete record's bytes (empty when none was read).</param>
/// <param name="Tail">What follows <paramref name="End"/>.</param>
/// <param name="Problem">Why the tail is <see cref="CommitLogTail.Corrupt"/>.</param>
internal sealed record CommitLogScan(IReadOnlyList<CommitLogRecord> Records, long End, byte[] LastFramed, CommitLogTail Tail, string? Problem);
