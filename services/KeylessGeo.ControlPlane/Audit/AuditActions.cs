namespace KeylessGeo.ControlPlane.Audit;

/// <summary>The stable audit verbs the control plane writes, and the subjects they name.</summary>
public static class AuditActions
{
    /// <summary>The topology was replaced (subject <c>topology</c>).</summary>
    public const string TopologyReplace = "topology.replace";

    /// <summary>A datacenter's wrapping public key was registered or replaced (subject <c>datacenter/ID</c>).</summary>
    public const string WrappingKeyRegister = "datacenter.register-key";

    /// <summary>A policy was created (subject <c>policy/ID</c>).</summary>
    public const string PolicyCreate = "policy.create";

    /// <summary>A policy's text changed (subject <c>policy/ID</c>).</summary>
    public const string PolicyUpdate = "policy.update";

    /// <summary>A policy's key was rotated and its keys re-wrapped (subject <c>policy/ID</c>).</summary>
    public const string PolicyRotateKey = "policy.rotate-key";

    /// <summary>A policy was deleted (subject <c>policy/ID</c>).</summary>
    public const string PolicyDelete = "policy.delete";

    /// <summary>A key was imported (subject <c>key/ID</c>).</summary>
    public const string KeyImport = "key.import";

    /// <summary>A key got a new private key under the same id (subject <c>key/ID</c>).</summary>
    public const string KeyRotate = "key.rotate";

    /// <summary>A key was removed (subject <c>key/ID</c>).</summary>
    public const string KeyRemove = "key.remove";

    /// <summary>A key moved to another policy (subject <c>key/ID</c>).</summary>
    public const string KeyAttach = "key.attach";

    /// <summary>Requests were refused for want of an identity or a role (subject <c>access</c>; details list them, aggregated).</summary>
    public const string AccessRefused = "access.refused";

    /// <summary>The audit subject of refused-access entries.</summary>
    public const string AccessSubject = "access";

    /// <summary>The audit subject of the topology.</summary>
    public const string TopologySubject = "topology";

    /// <summary>The audit subject of a policy.</summary>
    public static string PolicySubject(string id) => "policy/" + id;

    /// <summary>The audit subject of a key.</summary>
    public static string KeySubject(string id) => "key/" + id;

    /// <summary>The audit subject of a datacenter.</summary>
    public static string DatacenterSubject(string id) => "datacenter/" + id;
}
