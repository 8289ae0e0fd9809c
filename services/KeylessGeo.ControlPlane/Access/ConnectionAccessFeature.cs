namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// Set on every connection by <see cref="AccessConnectionMiddleware"/>: the endpoint it arrived on
/// and, on the Unix socket, the peer's identity, read once from the kernel when the connection is
/// accepted.
/// </summary>
/// <param name="Listener">The endpoint.</param>
/// <param name="Peer">The Unix socket peer, or null on the other endpoints.</param>
internal sealed record ConnectionAccessFeature(ListenerKind Listener, CallerIdentity? Peer);
