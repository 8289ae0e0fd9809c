namespace KeylessGeo.Keyless.Client;

/// <summary>The outcome of <see cref="RequestTable.TryEnqueue"/>.</summary>
internal enum EnqueueStatus
{
    /// <summary>The frame is queued for writing and the request awaits its answer.</summary>
    Queued,

    /// <summary>The connection already has its maximum of requests in flight.</summary>
    Full,

    /// <summary>The connection has failed or is shutting down.</summary>
    Closed,

    /// <summary>The request cannot be encoded (an item of a size the protocol forbids).</summary>
    Invalid,
}
