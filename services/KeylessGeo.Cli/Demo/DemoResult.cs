namespace KeylessGeo.Cli.Demo;

/// <summary>One row of the demo's table: the requests for one key entering at one datacenter's edge agent.</summary>
/// <param name="KeyId">The key.</param>
/// <param name="Policy">The text of the key's policy when the requests were made.</param>
/// <param name="Entry">The datacenter whose edge agent received the requests.</param>
/// <param name="ServedBy">The keyserver that signed (<c>served_by</c>), or null when none did.</param>
/// <param name="SignedIn">The datacenter that signed, or null.</param>
/// <param name="Path">How the requests travelled, or null when none was signed.</param>
/// <param name="Latency">The median time from request to answer, through the agent.</param>
/// <param name="Requests">Requests answered with a signature.</param>
/// <param name="Verified">Signatures that verified with the key's public key.</param>
/// <param name="OutsidePolicy">Signatures made in a datacenter the policy does not permit (must be 0).</param>
/// <param name="Error">Why no signature came back, or null.</param>
public sealed record DemoResult(
    string KeyId,
    string Policy,
    string Entry,
    string? ServedBy,
    string? SignedIn,
    DemoPath? Path,
    TimeSpan Latency,
    int Requests,
    int Verified,
    int OutsidePolicy,
    string? Error)
{
    /// <summary>Every request signed in a permitted datacenter and verified.</summary>
    public bool Passed => Error is null && Requests > 0 && Verified == Requests && OutsidePolicy == 0;

    /// <summary>The path as the table prints it.</summary>
    public string PathText => Path switch
    {
        DemoPath.Local => "local",
        DemoPath.InRegionHop => "in-region hop",
        DemoPath.CrossRegion => "cross-region",
        _ => "-",
    };

    /// <summary>The verification column.</summary>
    public string VerifiedText => Error is not null ? "ERROR: " + Error
        : OutsidePolicy > 0 ? $"OUTSIDE POLICY ({OutsidePolicy})"
        : Verified == Requests ? $"verified {Verified}/{Requests}"
        : $"NOT VERIFIED ({Requests - Verified}/{Requests})";

    /// <summary>The path from <paramref name="entry"/> to <paramref name="signedIn"/>.</summary>
    public static DemoPath Classify(string entry, string signedIn) =>
        entry == signedIn ? DemoPath.Local
        : DemoDatacenters.RegionOf(entry) == DemoDatacenters.RegionOf(signedIn) ? DemoPath.InRegionHop
        : DemoPath.CrossRegion;
}
