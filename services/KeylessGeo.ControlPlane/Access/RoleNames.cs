namespace KeylessGeo.ControlPlane.Access;

/// <summary>The configuration and audit names of <see cref="ControlPlaneRoles"/>.</summary>
public static class RoleNames
{
    /// <summary><see cref="ControlPlaneRoles.Read"/>.</summary>
    public const string Read = "read";

    /// <summary><see cref="ControlPlaneRoles.OperateKeys"/>.</summary>
    public const string OperateKeys = "operate-keys";

    /// <summary><see cref="ControlPlaneRoles.ChangePolicy"/>.</summary>
    public const string ChangePolicy = "change-policy";

    /// <summary><see cref="ControlPlaneRoles.Admin"/>.</summary>
    public const string Admin = "admin";

    /// <summary>Every name, for messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Read, OperateKeys, ChangePolicy, Admin];

    /// <summary>The role a name stands for (case-insensitive), or null.</summary>
    public static ControlPlaneRoles? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        Read => ControlPlaneRoles.Read,
        OperateKeys => ControlPlaneRoles.OperateKeys,
        ChangePolicy => ControlPlaneRoles.ChangePolicy,
        Admin => ControlPlaneRoles.Admin,
        _ => null,
    };

    /// <summary>The name of the single role <paramref name="role"/>.</summary>
    public static string Of(ControlPlaneRoles role) => role switch
    {
        ControlPlaneRoles.Read => Read,
        ControlPlaneRoles.OperateKeys => OperateKeys,
        ControlPlaneRoles.ChangePolicy => ChangePolicy,
        ControlPlaneRoles.Admin => Admin,
        ControlPlaneRoles.None => "none",
        _ => Describe(role),
    };

    /// <summary>The roles in <paramref name="roles"/>, comma-separated ("none" when empty).</summary>
    public static string Describe(ControlPlaneRoles roles)
    {
        if (roles == ControlPlaneRoles.None)
        {
            return "none";
        }

        if ((roles & ControlPlaneRoles.Admin) == ControlPlaneRoles.Admin)
        {
            return Admin;
        }

        var names = new List<string>();
        foreach (var role in (ReadOnlySpan<ControlPlaneRoles>)[ControlPlaneRoles.OperateKeys, ControlPlaneRoles.ChangePolicy])
        {
            if ((roles & role) == role)
            {
                names.Add(Of(role));
            }
        }

        return names.Count == 0 ? Read : string.Join(", ", names);
    }
}
