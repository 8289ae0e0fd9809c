using KeylessGeo.ControlPlane.Store.Integrity;

namespace KeylessGeo.ControlPlane.Health;

/// <summary>
/// The codes of <see cref="ReadinessProblem"/>: the store's own integrity codes
/// (<see cref="StoreIntegrityCodes"/>: <c>audit-chain-broken</c>, <c>audit-log-changed</c>,
/// <c>state-file-changed</c>) and these.
/// </summary>
public static class ReadinessCodes
{
    /// <summary>The last commit failed in the store and no commit has succeeded since.</summary>
    public const string CommitFailing = "commit-failing";

    /// <summary>The probe could not read the store at all.</summary>
    public const string StoreUnavailable = "store-unavailable";
}
