namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// Roles for one identity (an entry of <c>ControlPlane:Access:Grants</c>): exactly one of
/// <see cref="CertificateSubject"/>, <see cref="User"/> or <see cref="Uid"/>, and the roles.
/// </summary>
public sealed record AccessGrant
{
    /// <summary>A client certificate's subject as the audit log shows it, e.g. <c>CN=alice, O=ops</c> (mutual-TLS endpoint).</summary>
    public string? CertificateSubject { get; init; }

    /// <summary>A local user name, matched against the Unix socket peer's uid (looked up per connection).</summary>
    public string? User { get; init; }

    /// <summary>A local uid, matched against the Unix socket peer (SO_PEERCRED).</summary>
    public uint? Uid { get; init; }

    /// <summary><c>read</c>, <c>operate-keys</c>, <c>change-policy</c>, <c>admin</c>.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
}
