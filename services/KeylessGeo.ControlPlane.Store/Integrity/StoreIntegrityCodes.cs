namespace KeylessGeo.ControlPlane.Store.Integrity;

/// <summary>The stable codes of <see cref="StoreIntegrityProblem"/>, one per kind of damage.</summary>
public static class StoreIntegrityCodes
{
    /// <summary>An audit entry fails verification: its hash, its link to the entry before it, or its sequence number.</summary>
    public const string AuditChainBroken = "audit-chain-broken";

    /// <summary>The audit log no longer holds the committed entries this process verified (its tail was removed, or bytes changed).</summary>
    public const string AuditLogChanged = "audit-log-changed";

    /// <summary>The state file no longer holds what this process last wrote or verified, and is not a later commit by another writer.</summary>
    public const string StateFileChanged = "state-file-changed";
}
