namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// What an identity may do with the control plane. Roles are granted per identity in
/// <c>ControlPlane:Access:Grants</c>; every role that changes something includes
/// <see cref="Read"/>.
/// </summary>
[Flags]
public enum ControlPlaneRoles
{
    /// <summary>Nothing: every request is refused.</summary>
    None = 0,

    /// <summary><c>read</c>: every GET, and the policy dry run (<c>POST /v1/policies/explain</c>).</summary>
    Read = 1,

    /// <summary><c>operate-keys</c>: import, rotate and remove keys (with <see cref="Read"/>).</summary>
    OperateKeys = 2 | Read,

    /// <summary>
    /// <c>change-policy</c>: the topology, datacenter wrapping keys, policies (create, update,
    /// delete, rotate their keys) and moving a key to another policy (with <see cref="Read"/>).
    /// </summary>
    ChangePolicy = 4 | Read,

    /// <summary><c>admin</c>: everything, including any route no other role names.</summary>
    Admin = 8 | OperateKeys | ChangePolicy,
}
