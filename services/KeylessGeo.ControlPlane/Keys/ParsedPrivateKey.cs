using System.Security.Cryptography;
using KeylessGeo.Keyless.Identifiers;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// A private key read from PEM: its PKCS#8 DER in a pinned buffer that <see cref="Dispose"/>
/// zeroes, and its public facts.
/// </summary>
internal sealed class ParsedPrivateKey : IDisposable
{
    private readonly byte[] _pkcs8;

    public ParsedPrivateKey(byte[] pinnedPkcs8, KeyIdentity identity, string algorithm)
    {
        _pkcs8 = pinnedPkcs8;
        Identity = identity;
        Algorithm = algorithm;
    }

    /// <summary>PKCS#8 DER (RSA and EC as .NET exports them; Ed25519 as a version-1 OneAsymmetricKey).</summary>
    public ReadOnlySpan<byte> Pkcs8 => _pkcs8;

    /// <summary>SPKI, SKI, certificate digest (RSA), kind and size.</summary>
    public KeyIdentity Identity { get; }

    /// <summary>The keyserver's name for the algorithm, e.g. <c>ecdsa-p256</c>.</summary>
    public string Algorithm { get; }

    public void Dispose() => CryptographicOperations.ZeroMemory(_pkcs8);

    public override string ToString() => $"{Algorithm} private key (secret)";
}
