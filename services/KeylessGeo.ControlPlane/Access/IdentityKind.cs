namespace KeylessGeo.ControlPlane.Access;

/// <summary>How a caller was identified.</summary>
public enum IdentityKind
{
    /// <summary>A client certificate on the mutual-TLS endpoint (chained to the operator CA).</summary>
    Certificate,

    /// <summary>The peer process of a Unix domain socket connection (SO_PEERCRED).</summary>
    UnixPeer,

    /// <summary>Nobody in particular: the read-only loopback plaintext endpoint.</summary>
    Anonymous,
}
