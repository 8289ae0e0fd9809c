using System.Formats.Asn1;
using System.Security.Cryptography;
using KeylessGeo.KeyServer.Crypto;

namespace KeylessGeo.StackFloor;

/// <summary>
/// One signing key, found by SKI (Keyless) or by file name (gRPC <c>key_id</c>), signed with the
/// keyserver's own call: <see cref="SignContextPool"/>, reused initialised OpenSSL contexts.
/// Serves what the LoadGen sends: ECDSA over a SHA-256 digest, RSA PKCS#1 v1.5 with SHA-256.
/// </summary>
internal sealed class FloorKey
{
    private readonly AsymmetricAlgorithm _key;
    private readonly SignContextPool _pool;

    private FloorKey(string id, AsymmetricAlgorithm key, SafeEvpPKeyHandle handle, bool isRsa, byte[] ski)
    {
        Id = id;
        _key = key;
        IsRsa = isRsa;
        Ski = ski;
        _pool = new SignContextPool(handle, isRsa ? SignContextKind.RsaPkcs1Sha256 : SignContextKind.Ecdsa, SignContextPool.DefaultSlots);
    }

    /// <summary>The key file's name without its extension (what the LoadGen's <c>--key-id</c> names).</summary>
    public string Id { get; }

    /// <summary>SHA-1 of the subjectPublicKey bit string's contents, as the Keyless protocol defines the SKI.</summary>
    public byte[] Ski { get; }

    public bool IsRsa { get; }

    /// <summary>Room a signature needs: the modulus for RSA, the largest DER ECDSA signature otherwise.</summary>
    public int MaxSignatureBytes => IsRsa ? ((RSA)_key).KeySize / 8 : 160;

    /// <summary>Loads a PEM private key (EC or RSA) and checks it signs what its public key verifies.</summary>
    public static FloorKey Load(string path)
    {
        var pem = File.ReadAllText(path);
        var id = Path.GetFileNameWithoutExtension(path);
        FloorKey key;
        try
        {
            var ecdsa = new ECDsaOpenSsl();
            ecdsa.ImportFromPem(pem);
            key = new FloorKey(id, ecdsa, ecdsa.DuplicateKeyHandle(), isRsa: false, SkiOf(ecdsa.ExportSubjectPublicKeyInfo()));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // Not an EC key (an RSA PKCS#1 block is not even a format ECDsa reads).
            var rsa = new RSAOpenSsl();
            rsa.ImportFromPem(pem);
            key = new FloorKey(id, rsa, rsa.DuplicateKeyHandle(), isRsa: true, SkiOf(rsa.ExportSubjectPublicKeyInfo()));
        }

        key.SelfCheck();
        return key;
    }

    /// <summary>Signs a SHA-256 digest into <paramref name="signature"/>; returns the length.</summary>
    public int Sign(ReadOnlySpan<byte> digest, Span<byte> signature) => _pool.Sign(digest, signature);

    private void SelfCheck()
    {
        var digest = SHA256.HashData("stack floor self-check"u8);
        var signature = new byte[MaxSignatureBytes];
        var written = Sign(digest, signature);
        var verified = _key is RSA rsa
            ? rsa.VerifyHash(digest, signature.AsSpan(0, written), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : ((ECDsa)_key).VerifyHash(digest, signature.AsSpan(0, written), DSASignatureFormat.Rfc3279DerSequence);
        if (!verified)
        {
            throw new CryptographicException($"the signing key '{Id}' made a signature its public key does not verify");
        }
    }

    private static byte[] SkiOf(byte[] subjectPublicKeyInfo)
    {
        var spki = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER).ReadSequence();
        spki.ReadSequence();
        return SHA1.HashData(spki.ReadBitString(out _));
    }
}
