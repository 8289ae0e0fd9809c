namespace KeylessGeo.ControlPlane.Access;

/// <summary>Who may do what (configuration section <c>ControlPlane:Access</c>).</summary>
public sealed record AccessOptions
{
    /// <summary>The roles of each known identity. An identity in no grant gets <see cref="UnknownIdentities"/>.</summary>
    public IReadOnlyList<AccessGrant> Grants { get; init; } = [];

    /// <summary>
    /// What an authenticated identity without a grant may do: <c>none</c> (the default) or
    /// <c>read</c>. (A client certificate must still chain to the operator CA, and a Unix socket
    /// peer must still pass the socket file's permissions.)
    /// </summary>
    public string UnknownIdentities { get; init; } = "none";

    /// <summary>
    /// Refused requests are written to the audit log as one <c>access.refused</c> entry per this
    /// interval at most (the first refusal after a quiet interval at once), so a flood of refused
    /// requests cannot grow the store faster than that.
    /// </summary>
    public TimeSpan RefusalAuditInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most distinct (identity, method, path, reason) rows one <c>access.refused</c> entry lists; the rest are only counted.</summary>
    public int RefusalAuditMaxRows { get; init; } = 50;
}
