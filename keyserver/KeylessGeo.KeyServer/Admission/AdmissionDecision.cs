namespace KeylessGeo.KeyServer.Admission;

/// <summary>What admission control decided about a request.</summary>
internal enum AdmissionDecision
{
    /// <summary>Queued; a worker will execute or expire it.</summary>
    Accepted,

    /// <summary>Rejected (OVERLOADED): the queue is at its limit.</summary>
    QueueFull,

    /// <summary>Rejected (OVERLOADED): the predicted start is after the deadline.</summary>
    CannotStartBeforeDeadline,

    /// <summary>Rejected (DEADLINE_EXCEEDED): the deadline had passed on arrival.</summary>
    DeadlinePassed,

    /// <summary>Rejected (UNAVAILABLE): the keyserver is shutting down.</summary>
    ShuttingDown,
}
