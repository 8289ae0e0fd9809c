namespace KeylessGeo.EdgeHost.Configuration;

/// <summary>
/// How many TLS handshakes may run at once (configuration section <c>Handshakes</c>). A handshake
/// whose key is in a keyserver holds a thread while OpenSSL waits for the signature, so the number
/// of handshakes in progress is the number of threads they can take.
/// </summary>
public sealed record HandshakeOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Handshakes";

    /// <summary>Handshakes in progress at most; further connections wait for a slot.</summary>
    public int MaxConcurrent { get; init; } = 64;

    /// <summary>Connections waiting for a handshake slot at most; beyond it a connection is closed at once.</summary>
    public int MaxQueued { get; init; } = 1024;

    /// <summary>How long a connection waits for a slot before it is closed.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
