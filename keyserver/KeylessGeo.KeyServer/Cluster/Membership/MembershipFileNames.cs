using System.Security.Cryptography;
using System.Text;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// The names of one cluster's files in the membership directory: <c>&lt;id&gt;.membership.json</c>
/// and its lock <c>&lt;id&gt;.membership.lock</c>. A cluster id that is not a plain file name
/// (or is very long) is named by its SHA-256 instead; the file records the id itself, so the
/// table still checks it holds the right cluster.
/// </summary>
internal sealed record MembershipFileNames(string TablePath, string LockPath)
{
    private const int MaxPlainLength = 100;

    /// <summary>The files of <paramref name="clusterId"/> in <paramref name="directory"/>.</summary>
    public static MembershipFileNames For(string directory, string clusterId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        var stem = IsPlain(clusterId)
            ? clusterId
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clusterId)));
        return new MembershipFileNames(
            Path.Combine(directory, stem + ".membership.json"),
            Path.Combine(directory, stem + ".membership.lock"));
    }

    private static bool IsPlain(string clusterId)
    {
        if (clusterId.Length > MaxPlainLength || clusterId[0] == '.' || clusterId.StartsWith("sha256-", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in clusterId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
