using System.Security.Cryptography;

namespace KeylessGeo.Placement;

/// <summary>
/// A policy's 256-bit symmetric key. Every private key governed by the policy is wrapped under
/// it, and it is itself wrapped to each permitted datacenter's public wrapping key. The bytes
/// live in a pinned array (so the garbage collector never leaves a moved copy behind) and are
/// zeroed on <see cref="Dispose"/>. The key has no public accessor: it leaves this type only
/// wrapped, through <see cref="PolicyKeyWrapping.WrapFor"/>.
/// </summary>
public sealed class PolicyKey : IDisposable
{
    /// <summary>The key size: 32 bytes (AES-256 strength).</summary>
    public const int SizeInBytes = 32;

    private readonly byte[] _key = GC.AllocateArray<byte>(SizeInBytes, pinned: true);
    private bool _disposed;

    private PolicyKey()
    {
    }

    /// <summary>Generates a fresh random policy key from the system CSPRNG.</summary>
    public static PolicyKey Generate()
    {
        var key = new PolicyKey();
        RandomNumberGenerator.Fill(key._key);
        return key;
    }

    /// <summary>Zeroes the key bytes. Any later use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        _disposed = true;
    }

    /// <inheritdoc />
    public override string ToString() => "PolicyKey (secret)";

    /// <summary>A zeroed key for <see cref="PolicyKeyWrapping.Unwrap"/> to decrypt into.</summary>
    internal static PolicyKey CreateEmpty() => new();

    /// <summary>The key bytes, for wrapping and key derivation inside this library.</summary>
    internal Span<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }
}
