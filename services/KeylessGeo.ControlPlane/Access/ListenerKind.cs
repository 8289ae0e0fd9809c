namespace KeylessGeo.ControlPlane.Access;

/// <summary>Which of the control plane's endpoints a connection arrived on.</summary>
public enum ListenerKind
{
    /// <summary>The mutual-TLS endpoint: the client certificate is the identity.</summary>
    MutualTls,

    /// <summary>The Unix domain socket: the peer's uid is the identity.</summary>
    UnixSocket,

    /// <summary>The loopback plaintext endpoint: anonymous, read-only.</summary>
    Plaintext,
}
