namespace KeylessGeo.Keyless.Client;

/// <summary>The outcome of <see cref="ConnectionPool.Select"/>.</summary>
internal enum SelectStatus
{
    /// <summary>A connection (open or connecting) with room for the request.</summary>
    Selected,

    /// <summary>Every connection has its maximum of requests in flight.</summary>
    Overloaded,

    /// <summary>No connection is open and every slot is waiting out its reconnection backoff.</summary>
    Unavailable,
}
