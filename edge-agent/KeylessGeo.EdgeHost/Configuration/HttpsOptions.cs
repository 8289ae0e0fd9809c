namespace KeylessGeo.EdgeHost.Configuration;

/// <summary>Where and how the edge host terminates TLS (configuration section <c>Https</c>).</summary>
public sealed record HttpsOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Https";

    /// <summary>The address to listen on: an IP address (<c>0.0.0.0</c> for every IPv4 interface, <c>::</c> for every one).</summary>
    public string Address { get; init; } = "0.0.0.0";

    /// <summary>The TLS port; 0 picks a free one (tests), which the start-up log names.</summary>
    public int Port { get; init; } = 443;

    /// <summary>The lowest TLS version offered: <c>1.2</c> (1.2 and 1.3) or <c>1.3</c> (1.3 only).</summary>
    public string MinimumTlsVersion { get; init; } = "1.2";

    /// <summary>
    /// How long a client may take to complete its handshake, the wait for a handshake slot and the
    /// key operation included; a slower one is dropped.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
