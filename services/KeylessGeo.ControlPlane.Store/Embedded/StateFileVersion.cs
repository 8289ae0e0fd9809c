using System.Security.Cryptography;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// The fingerprint of one <c>state.json</c>: its length and SHA-256, and the file's stamp when it
/// was written or read. The store records it after each write and compares it before each commit.
/// </summary>
internal sealed record StateFileVersion(long Length, byte[] Sha256, FileStamp Stamp)
{
    /// <summary>The fingerprint of <paramref name="content"/>, read or written as <paramref name="stamp"/>.</summary>
    public static StateFileVersion Of(ReadOnlySpan<byte> content, FileStamp stamp) => new(content.Length, SHA256.HashData(content), stamp);

    /// <summary>Whether <paramref name="other"/> has the same bytes.</summary>
    public bool SameContent(StateFileVersion other) => Length == other.Length && CryptographicOperations.FixedTimeEquals(Sha256, other.Sha256);

    /// <inheritdoc />
    public override string ToString() => $"{Length} bytes, SHA-256 {Convert.ToHexStringLower(Sha256)}";
}
