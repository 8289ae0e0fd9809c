namespace KeylessGeo.KeyServer.Admission;

/// <summary>A point-in-time view of admission control's counters.</summary>
/// <param name="InFlight">Requests running on a worker.</param>
/// <param name="Queued">Requests waiting for a worker.</param>
/// <param name="ConcurrencyLimit">Worker count.</param>
/// <param name="QueueLimit">Maximum queued requests.</param>
/// <param name="CompletedTotal">Requests executed since start.</param>
/// <param name="RejectedOverloadedTotal">Requests answered OVERLOADED since start.</param>
/// <param name="ExpiredTotal">Requests whose deadline passed while queued.</param>
internal readonly record struct AdmissionLoad(
    int InFlight, int Queued, int ConcurrencyLimit, int QueueLimit, long CompletedTotal, long RejectedOverloadedTotal, long ExpiredTotal);
