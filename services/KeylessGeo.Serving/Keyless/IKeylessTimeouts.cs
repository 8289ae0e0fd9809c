namespace KeylessGeo.Serving.Keyless;

/// <summary>A connection whose idle and partial-message timeouts <see cref="KeylessConnectionMonitor"/> enforces.</summary>
internal interface IKeylessTimeouts
{
    /// <summary>Closes the connection if a timeout has expired at <paramref name="now"/> (a <see cref="TimeProvider"/> timestamp). Called on the monitor's timer thread; must not block.</summary>
    public void CheckTimeouts(long now);
}
