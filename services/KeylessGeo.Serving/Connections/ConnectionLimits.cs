namespace KeylessGeo.Serving.Connections;

/// <summary>
/// How many authenticated connections one endpoint accepts at once, in all and per client
/// identity (see <see cref="ConnectionLimitsExtensions.UseConnectionLimits"/>).
/// </summary>
public sealed record ConnectionLimits
{
    /// <summary>The endpoint's name in metrics and logs ("keyless", "grpc" …).</summary>
    public required string Endpoint { get; init; }

    /// <summary>Connections the endpoint serves at once; the next one is closed at once.</summary>
    public int MaxConnections { get; init; } = int.MaxValue;

    /// <summary>
    /// Connections one client identity (the verified client certificate's subject, or its
    /// SHA-256 thumbprint when the subject is empty) may hold at once on the endpoint.
    /// Connections without a client certificate count only towards <see cref="MaxConnections"/>.
    /// </summary>
    public int MaxConnectionsPerClient { get; init; } = int.MaxValue;
}
