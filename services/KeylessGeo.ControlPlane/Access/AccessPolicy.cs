namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// The roles of an authenticated identity, from <see cref="AccessOptions.Grants"/>: a certificate
/// subject matches <see cref="AccessGrant.CertificateSubject"/>; a Unix socket peer matches
/// <see cref="AccessGrant.Uid"/> and <see cref="AccessGrant.User"/> (both when both grant). An
/// identity in no grant gets <see cref="AccessOptions.UnknownIdentities"/>; the plaintext
/// endpoint's anonymous caller gets <see cref="ControlPlaneRoles.Read"/> and nothing else.
/// </summary>
internal sealed class AccessPolicy
{
    private readonly Dictionary<string, ControlPlaneRoles> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, ControlPlaneRoles> _uids = [];
    private readonly Dictionary<string, ControlPlaneRoles> _users = new(StringComparer.Ordinal);
    private readonly ControlPlaneRoles _unknown;

    /// <summary>Compiles validated <paramref name="options"/>.</summary>
    public AccessPolicy(AccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var grant in options.Grants)
        {
            var roles = grant.Roles.Aggregate(ControlPlaneRoles.None, (all, name) => all | (RoleNames.Parse(name) ?? ControlPlaneRoles.None));
            if (grant.Uid is { } uid)
            {
                _uids[uid] = roles;
            }
            else if (grant.User is { } user)
            {
                _users[user] = roles;
            }
            else if (grant.CertificateSubject is { } subject && CertificateSubjects.Normalize(subject) is { } normalized)
            {
                _subjects[normalized] = roles;
            }
        }

        _unknown = options.UnknownIdentities == "read" ? ControlPlaneRoles.Read : ControlPlaneRoles.None;
    }

    /// <summary>True when no identity is granted anything (every request but reads by unknown identities is refused).</summary>
    public bool IsEmpty => _subjects.Count == 0 && _uids.Count == 0 && _users.Count == 0;

    /// <summary>The roles of <paramref name="identity"/>, and whether a grant names it.</summary>
    public (ControlPlaneRoles Roles, bool Granted) RolesOf(CallerIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var roles = ControlPlaneRoles.None;
        var granted = false;
        switch (identity.Kind)
        {
            case IdentityKind.Anonymous:
                return (ControlPlaneRoles.Read, false);
            case IdentityKind.Certificate:
                granted = _subjects.TryGetValue(identity.CertificateKey!, out roles);
                break;
            case IdentityKind.UnixPeer:
                if (_uids.TryGetValue(identity.Uid!.Value, out var byUid))
                {
                    roles |= byUid;
                    granted = true;
                }

                if (identity.UserName is { } user && _users.TryGetValue(user, out var byName))
                {
                    roles |= byName;
                    granted = true;
                }

                break;
        }

        return granted ? (roles, true) : (_unknown, false);
    }
}
