namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// The content of one cluster's membership file: the table version with its etag and every
/// silo's row. Replaced whole on every change, so the version and the rows are always read
/// together.
/// </summary>
/// <param name="Format">The file format (<see cref="CurrentFormat"/>); a newer one is refused, not guessed at.</param>
/// <param name="ClusterId">The Orleans cluster id the file belongs to.</param>
/// <param name="Version">The table version, raised by one on every insert and update.</param>
/// <param name="VersionEtag">The table version's etag, new on every insert and update.</param>
/// <param name="Silos">Every silo's row.</param>
internal sealed record FileMembershipDocument(
    int Format,
    string ClusterId,
    int Version,
    string VersionEtag,
    IReadOnlyList<FileMembershipRow> Silos)
{
    /// <summary>The format this code writes and reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The table of a cluster that has no file yet.</summary>
    public static FileMembershipDocument Empty(string clusterId) => new(CurrentFormat, clusterId, 0, MembershipEtag.Initial, []);
}
