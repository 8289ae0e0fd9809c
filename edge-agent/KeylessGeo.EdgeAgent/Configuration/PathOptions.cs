namespace KeylessGeo.EdgeAgent.Configuration;

/// <summary>The timeouts and retries of one path (DESIGN.md's table).</summary>
public sealed record PathOptions
{
    /// <summary>
    /// The node-local path's defaults: connect 50 ms, request 1 s, one attempt. A new instance each
    /// time: the configuration binder writes into the instance it finds.
    /// </summary>
    public static PathOptions LocalDefaults() => new()
    {
        ConnectTimeout = TimeSpan.FromMilliseconds(50),
        RequestTimeout = TimeSpan.FromSeconds(1),
        MaxAttempts = 1,
    };

    /// <summary>The datacenter path's defaults: connect 3 s, request 300 ms, up to 3 attempts (a new instance each time).</summary>
    public static PathOptions DatacenterDefaults() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(3),
        RequestTimeout = TimeSpan.FromMilliseconds(300),
        MaxAttempts = 3,
    };

    /// <summary>How long opening a connection may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long one attempt may take (never beyond the request's own deadline).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Attempts per request, the first included. The node-local path must keep 1: a timeout there
    /// means the keyserver is overloaded, and a retry would add to its load.
    /// </summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>The first retry's delay; later ones double it, each with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(5);
}
