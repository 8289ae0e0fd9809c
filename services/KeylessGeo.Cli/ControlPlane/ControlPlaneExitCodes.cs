namespace KeylessGeo.Cli.ControlPlane;

/// <summary>Exit codes of the control-plane commands (the same scheme as <c>sign</c>).</summary>
public static class ControlPlaneExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The control plane refused the request (its problem is printed), or <c>policy explain</c> found the policy invalid.</summary>
    public const int Refused = 1;

    /// <summary>Bad arguments or an unreadable local file; nothing was sent.</summary>
    public const int BadArguments = 2;

    /// <summary>The control plane could not be reached (connection, TLS, timeout).</summary>
    public const int Unreachable = 3;

    /// <summary><c>audit verify</c>: the audit chain is broken.</summary>
    public const int AuditChainBroken = 4;
}
