using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// Runs one private-key operation, already checked by <see cref="OperationRules"/>. Failures are
/// <see cref="CryptographicException"/>s without key or payload bytes. RSA and ECDSA signatures
/// use the key's reused, initialised OpenSSL contexts (<see cref="SigningContexts"/>); ECDSA
/// output is DER, as the Keyless protocol and gRPC API specify.
/// </summary>
internal static class PrivateKeyOperations
{
    private const int MaxEcdsaDerSignature = 256;

    /// <summary>Returns the signature or plaintext in a new array the caller owns.</summary>
    public static byte[] Execute(PrivateKey key, Operation operation, ReadOnlySpan<byte> payload) =>
        key.Device is { } device ? device.Execute(operation, payload) : InProcess(key, operation, payload);

    private static byte[] InProcess(PrivateKey key, Operation operation, ReadOnlySpan<byte> payload) => operation switch
    {
        Operation.RsaPkcs1Md5Sha1 => RsaSign(key, SignContextKind.RsaPkcs1Raw, payload),
        Operation.RsaPkcs1Sha1 => RsaSign(key, SignContextKind.RsaPkcs1Sha1, payload),
        Operation.RsaPkcs1Sha224 => RsaSign(key, SignContextKind.RsaPkcs1Sha224, payload),
        Operation.RsaPkcs1Sha256 => RsaSign(key, SignContextKind.RsaPkcs1Sha256, payload),
        Operation.RsaPkcs1Sha384 => RsaSign(key, SignContextKind.RsaPkcs1Sha384, payload),
        Operation.RsaPkcs1Sha512 => RsaSign(key, SignContextKind.RsaPkcs1Sha512, payload),
        Operation.RsaPssSha256 => RsaSign(key, SignContextKind.RsaPssSha256, payload),
        Operation.RsaPssSha384 => RsaSign(key, SignContextKind.RsaPssSha384, payload),
        Operation.RsaPssSha512 => RsaSign(key, SignContextKind.RsaPssSha512, payload),
        Operation.RsaDecryptPkcs1 => RsaDecryptPkcs1(key, payload),
        Operation.RsaDecryptRaw => RsaDecryptRaw(key, payload),
        Operation.EcdsaMd5Sha1 or Operation.EcdsaSha1 or Operation.EcdsaSha224 or
        Operation.EcdsaSha256 or Operation.EcdsaSha384 or Operation.EcdsaSha512 => EcdsaSign(key, payload),
        Operation.Ed25519 => Ed25519Sign(key, payload),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    private static byte[] RsaSign(PrivateKey key, SignContextKind kind, ReadOnlySpan<byte> digest)
    {
        _ = Rsa(key);
        var signature = new byte[key.Key.ModulusBytes];
        var written = Contexts(key).Sign(kind, digest, signature);
        return written == signature.Length ? signature : throw new CryptographicException("the RSA signature did not have the modulus length");
    }

    private static byte[] RsaDecryptPkcs1(PrivateKey key, ReadOnlySpan<byte> ciphertext)
    {
        var buffer = new byte[key.Key.ModulusBytes];
        try
        {
            if (!Rsa(key).TryDecrypt(ciphertext, buffer, RSAEncryptionPadding.Pkcs1, out var written))
            {
                throw new CryptographicException("the RSA plaintext did not fit the modulus length");
            }

            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static byte[] RsaDecryptRaw(PrivateKey key, ReadOnlySpan<byte> ciphertext)
    {
        var plaintext = new byte[key.Key.ModulusBytes];
        var written = OpenSslOperations.RsaDecrypt(EvpKey(key), LibCrypto.RsaNoPadding, ciphertext, plaintext);
        if (written != plaintext.Length)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new CryptographicException("the raw RSA plaintext did not have the modulus length");
        }

        return plaintext;
    }

    private static byte[] EcdsaSign(PrivateKey key, ReadOnlySpan<byte> digest)
    {
        _ = key.Ecdsa ?? throw new CryptographicException("the key is not an ECDSA key");
        Span<byte> signature = stackalloc byte[MaxEcdsaDerSignature];
        var written = Contexts(key).Sign(SignContextKind.Ecdsa, digest, signature);
        return signature[..written].ToArray();
    }

    private static byte[] Ed25519Sign(PrivateKey key, ReadOnlySpan<byte> message)
    {
        var signature = new byte[64];
        var written = OpenSslEd25519.Sign(EvpKey(key), message, signature);
        return written == signature.Length ? signature : throw new CryptographicException("the Ed25519 signature was not 64 bytes");
    }

    private static RSAOpenSsl Rsa(PrivateKey key) => key.Rsa ?? throw new CryptographicException("the key is not an RSA key");

    private static SigningContexts Contexts(PrivateKey key) => key.Contexts ?? throw new CryptographicException("the key has no signing contexts");

    private static SafeEvpPKeyHandle EvpKey(PrivateKey key) => key.EvpKey ?? throw new CryptographicException("the key has no OpenSSL handle");
}
