namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// How <c>WatchKeyservers</c> streams behave (configuration section <c>Discovery</c>); see
/// docs/CLUSTER.md, "Discovery for edge agents".
/// </summary>
public sealed record DiscoveryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Discovery";

    /// <summary>The default <see cref="RefreshInterval"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the list is rebuilt even without a change signal, and the longest a stream goes
    /// without a list: every open stream gets the full list again at least this often, so an
    /// edge agent that hears nothing for longer knows its stream is broken.
    /// </summary>
    public TimeSpan RefreshInterval { get; init; } = DefaultRefreshInterval;
}
