namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// One silo's Orleans membership entry as the file and PostgreSQL tables store it (JSON). Our
/// own shape rather than Orleans's serializer, so a stored table stays readable by people and
/// by later versions. Times are UTC.
/// </summary>
/// <param name="SiloAddress">The silo's address in Orleans's parsable form (<c>ip:port@generation</c>).</param>
/// <param name="Status">The <c>SiloStatus</c> name, e.g. <c>Active</c> or <c>Dead</c>.</param>
/// <param name="SuspectTimes">Which silos suspect this one, and since when.</param>
/// <param name="ProxyPort">The silo's gateway port (0: none).</param>
/// <param name="HostName">The silo's host name.</param>
/// <param name="SiloName">The silo's name.</param>
/// <param name="RoleName">An optional role name.</param>
/// <param name="UpdateZone">An optional update zone.</param>
/// <param name="FaultZone">An optional fault zone.</param>
/// <param name="StartTime">When the silo started.</param>
/// <param name="IAmAliveTime">When the silo last said it is alive.</param>
internal sealed record MembershipEntryDocument(
    string SiloAddress,
    string Status,
    IReadOnlyList<SuspectVoteDocument>? SuspectTimes,
    int ProxyPort,
    string? HostName,
    string? SiloName,
    string? RoleName,
    int UpdateZone,
    int FaultZone,
    DateTime StartTime,
    DateTime IAmAliveTime);
