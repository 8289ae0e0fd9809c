using System.Globalization;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>Checks <see cref="AccessOptions"/>; every problem is added to the list, naming its field.</summary>
internal static class AccessOptionsValidator
{
    public static void Validate(AccessOptions access, string section, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < access.Grants.Count; i++)
        {
            var field = $"{section}:Grants:{i}";
            var grant = access.Grants[i];
            if (grant is null)
            {
                errors.Add($"{field} is empty: give CertificateSubject, User or Uid, and Roles.");
                continue;
            }

            if (ValidateIdentity(grant, field, errors) is { } identity && !seen.Add(identity.Key))
            {
                errors.Add($"{field} names {identity.Display} again; give each identity one grant with all its roles.");
            }

            ValidateRoles(grant, field, errors);
        }

        if (access.UnknownIdentities is not ("none" or "read"))
        {
            errors.Add($"{section}:UnknownIdentities '{access.UnknownIdentities}' is not 'none' or 'read'.");
        }

        if (access.RefusalAuditInterval < TimeSpan.Zero || access.RefusalAuditInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{section}:RefusalAuditInterval {access.RefusalAuditInterval} is outside 00:00:00 to 01:00:00.");
        }

        if (access.RefusalAuditMaxRows is < 1 or > 1000)
        {
            errors.Add($"{section}:RefusalAuditMaxRows {access.RefusalAuditMaxRows} is outside 1..1000.");
        }
    }

    /// <summary>The grant's identity as a comparable key and as text, or null when it is not exactly one valid identity.</summary>
    private static (string Key, string Display)? ValidateIdentity(AccessGrant grant, string field, List<string> errors)
    {
        var given = (grant.CertificateSubject is null ? 0 : 1) + (grant.User is null ? 0 : 1) + (grant.Uid is null ? 0 : 1);
        if (given != 1)
        {
            errors.Add($"{field} must name exactly one of CertificateSubject, User or Uid (it names {given}).");
            return null;
        }

        if (grant.Uid is { } uid)
        {
            var text = "uid " + uid.ToString(CultureInfo.InvariantCulture);
            return (text, text);
        }

        if (grant.User is { } user)
        {
            if (user.Length is 0 or > 64 || user.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ':'))
            {
                errors.Add($"{field}:User '{user}' is not a user name.");
                return null;
            }

            return ("user " + user, "user " + user);
        }

        if (CertificateSubjects.Normalize(grant.CertificateSubject!) is { } subject)
        {
            return ("subject\n" + subject, $"certificate subject '{grant.CertificateSubject}'");
        }

        errors.Add($"{field}:CertificateSubject '{grant.CertificateSubject}' is not a distinguished name (write it as the audit log shows it, e.g. 'CN=alice, O=ops').");
        return null;
    }

    private static void ValidateRoles(AccessGrant grant, string field, List<string> errors)
    {
        if (grant.Roles.Count == 0)
        {
            errors.Add($"{field}:Roles is empty; give one or more of {string.Join(", ", RoleNames.All)}.");
        }

        for (var j = 0; j < grant.Roles.Count; j++)
        {
            if (RoleNames.Parse(grant.Roles[j]) is null)
            {
                errors.Add($"{field}:Roles:{j} '{grant.Roles[j]}' is not one of {string.Join(", ", RoleNames.All)}.");
            }
        }
    }
}
