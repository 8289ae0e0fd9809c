using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// Decrypts a PKCS#8 EncryptedPrivateKeyInfo protected with PBES2 (PBKDF2 with HMAC-SHA1/-SHA256/
/// -SHA384/-SHA512, then AES-128/192/256-CBC or 3DES-CBC) — what <c>openssl genpkey -aes256</c>
/// and <c>openssl pkcs8 -topk8</c> write. (.NET's general PKCS#8 decryption lives in a package
/// this project cannot reference.) The passphrase bytes, derived key and plaintext are pinned and
/// zeroed.
/// </summary>
internal static class EncryptedPkcs8
{
    /// <summary>PBKDF2 iteration counts above this are refused (a request must not pin a core for minutes).</summary>
    public const int MaxIterations = 2_000_000;

    private const string Pbes2 = "1.2.840.113549.1.5.13";
    private const string Pbkdf2 = "1.2.840.113549.1.5.12";
    private const string DesEde3Cbc = "1.2.840.113549.3.7";

    private static readonly Dictionary<string, int> AesKeySizes = new(StringComparer.Ordinal)
    {
        ["2.16.840.1.101.3.4.1.2"] = 16,
        ["2.16.840.1.101.3.4.1.22"] = 24,
        ["2.16.840.1.101.3.4.1.42"] = 32,
    };

    private static readonly Dictionary<string, HashAlgorithmName> Prfs = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.2.7"] = HashAlgorithmName.SHA1,
        ["1.2.840.113549.2.9"] = HashAlgorithmName.SHA256,
        ["1.2.840.113549.2.10"] = HashAlgorithmName.SHA384,
        ["1.2.840.113549.2.11"] = HashAlgorithmName.SHA512,
    };

    /// <summary>
    /// The PKCS#8 plaintext in a pinned buffer the caller zeroes. Throws
    /// <see cref="AsnContentException"/> for a malformed envelope, a 422
    /// <see cref="ControlPlaneException"/> for an unsupported scheme, and
    /// <see cref="CryptographicException"/> when decryption fails (a wrong passphrase).
    /// </summary>
    public static (byte[] Buffer, int Length) Decrypt(ReadOnlyMemory<byte> der, ReadOnlySpan<char> passphrase)
    {
        var envelope = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var algorithm = envelope.ReadSequence();
        var scheme = algorithm.ReadObjectIdentifier();
        if (scheme != Pbes2)
        {
            throw Unsupported($"encryption scheme {scheme} (only PBES2 is supported; re-encrypt with 'openssl pkcs8 -topk8 -v2 aes-256-cbc')");
        }

        var parameters = algorithm.ReadSequence();
        var kdf = parameters.ReadSequence();
        var kdfOid = kdf.ReadObjectIdentifier();
        if (kdfOid != Pbkdf2)
        {
            throw Unsupported($"key derivation {kdfOid} (only PBKDF2 is supported)");
        }

        var kdfParameters = kdf.ReadSequence();
        var salt = kdfParameters.ReadOctetString();
        if (!kdfParameters.TryReadInt32(out var iterations) || iterations is < 1 or > MaxIterations)
        {
            throw Unsupported($"a PBKDF2 iteration count outside 1–{MaxIterations}");
        }

        int? keyLength = kdfParameters.HasData && kdfParameters.PeekTag().HasSameClassAndValue(Asn1Tag.Integer) && kdfParameters.TryReadInt32(out var length) ? length : null;
        var prf = HashAlgorithmName.SHA1;
        if (kdfParameters.HasData)
        {
            var prfOid = kdfParameters.ReadSequence().ReadObjectIdentifier();
            prf = Prfs.TryGetValue(prfOid, out var named) ? named : throw Unsupported($"PBKDF2 pseudo-random function {prfOid}");
        }

        var cipher = parameters.ReadSequence();
        var cipherOid = cipher.ReadObjectIdentifier();
        var iv = cipher.ReadOctetString();
        var keySize = cipherOid == DesEde3Cbc ? 24 : AesKeySizes.TryGetValue(cipherOid, out var size) ? size : throw Unsupported($"cipher {cipherOid} (AES-CBC and 3DES-CBC are supported)");
        if (keyLength is { } declared && declared != keySize)
        {
            throw new CryptographicException("the PBKDF2 key length does not match the cipher");
        }

        // A slice, not a copy: the ciphertext stays only in the caller's pinned, zeroed buffer.
        if (!envelope.TryReadPrimitiveOctetString(out var ciphertext))
        {
            throw new AsnContentException("the encrypted data is not a primitive OCTET STRING");
        }

        return Run(passphrase, salt, iterations, prf, keySize, cipherOid == DesEde3Cbc, iv, ciphertext.Span);
    }

    private static (byte[] Buffer, int Length) Run(ReadOnlySpan<char> passphrase, byte[] salt, int iterations, HashAlgorithmName prf, int keySize, bool tripleDes, byte[] iv, ReadOnlySpan<byte> ciphertext)
    {
        var password = GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetByteCount(passphrase), pinned: true);
        var key = GC.AllocateUninitializedArray<byte>(keySize, pinned: true);
        var plaintext = GC.AllocateUninitializedArray<byte>(ciphertext.Length, pinned: true);
        try
        {
            Encoding.UTF8.GetBytes(passphrase, password);
            Rfc2898DeriveBytes.Pbkdf2(password, salt, key, iterations, prf);
            using SymmetricAlgorithm algorithm = tripleDes ? TripleDES.Create() : Aes.Create();
            algorithm.SetKey(key); // the algorithm's own copy is cleared when it is disposed
            var written = algorithm.DecryptCbc(ciphertext, iv, plaintext, PaddingMode.PKCS7);
            return (plaintext, written);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static ControlPlaneException Unsupported(string what) =>
        ControlPlaneException.Invalid(ErrorCodes.UnsupportedKey, PrivateKeyReader.Field, $"the encrypted private key uses {what}");
}
