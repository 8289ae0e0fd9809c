using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// Etags of rows and of the table version: 128 random bits, so an etag never repeats, not even
/// after the table is deleted and recreated (a counter would, and a stale writer could win).
/// </summary>
internal static class MembershipEtag
{
    /// <summary>The version etag of a table that does not exist yet (every empty table starts here).</summary>
    public const string Initial = "0";

    /// <summary>A new etag.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
