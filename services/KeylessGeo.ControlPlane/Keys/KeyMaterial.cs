using System.Security.Cryptography;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// Private key text (PEM) and its optional passphrase in pinned buffers that <see cref="Dispose"/>
/// zeroes. The control plane reads it once, wraps the key, and never stores or logs the plaintext;
/// dispose the material as soon as the operation returns.
/// </summary>
public sealed class KeyMaterial : IDisposable
{
    private readonly char[] _pem;
    private readonly char[]? _passphrase;

    private KeyMaterial(char[] pem, char[]? passphrase)
    {
        _pem = pem;
        _passphrase = passphrase;
    }

    /// <summary>True when a passphrase was given (even an empty one).</summary>
    public bool HasPassphrase => _passphrase is not null;

    internal ReadOnlySpan<char> Pem => _pem;

    internal ReadOnlySpan<char> Passphrase => _passphrase;

    /// <summary>Copies unencrypted (or encrypted, without passphrase) PEM text.</summary>
    public static KeyMaterial FromPem(ReadOnlySpan<char> pem) => new(Pinned(pem), null);

    /// <summary>Copies PEM text and the passphrase of an encrypted PKCS#8 key.</summary>
    public static KeyMaterial FromPem(ReadOnlySpan<char> pem, ReadOnlySpan<char> passphrase) => new(Pinned(pem), Pinned(passphrase));

    /// <summary>Zeroes the buffers.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_pem.AsSpan()));
        if (_passphrase is not null)
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_passphrase.AsSpan()));
        }
    }

    /// <inheritdoc />
    public override string ToString() => "KeyMaterial (secret)";

    private static char[] Pinned(ReadOnlySpan<char> text)
    {
        var copy = GC.AllocateUninitializedArray<char>(text.Length, pinned: true);
        text.CopyTo(copy);
        return copy;
    }
}
