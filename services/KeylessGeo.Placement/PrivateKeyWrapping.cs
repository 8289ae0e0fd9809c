using System.Security.Cryptography;
using System.Text;

namespace KeylessGeo.Placement;

/// <summary>
/// Wraps a private key (PKCS#8 DER) under a policy key, and unwraps it. AES-256-GCM under a
/// per-blob key derived from the policy key with HKDF-SHA256 and a random salt, with the
/// <see cref="KeyWrapContext"/> as associated data. Blob layout (version 1): see README.md,
/// "Wrapped private key".
/// </summary>
public static class PrivateKeyWrapping
{
    /// <summary>The current (and only) blob format version.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Bytes a version 1 blob adds to the plaintext: version, salt, nonce and tag.</summary>
    public const int Overhead = 1 + SaltLength + NonceLength + TagLength;

    /// <summary>The HKDF info, also the first associated-data field.</summary>
    internal const string Label = "keylessgeo private-key wrap v1";

    private const int SaltLength = 16;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int SaltOffset = 1;
    private const int NonceOffset = SaltOffset + SaltLength;
    private const int CiphertextOffset = NonceOffset + NonceLength;

    private static readonly byte[] Info = Encoding.ASCII.GetBytes(Label);

    /// <summary>
    /// Wraps <paramref name="privateKeyPkcs8"/> under <paramref name="key"/>, bound to
    /// <paramref name="context"/>. The input is not modified; the caller still owns (and zeroes) it.
    /// </summary>
    public static byte[] Wrap(ReadOnlySpan<byte> privateKeyPkcs8, PolicyKey key, KeyWrapContext context)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (privateKeyPkcs8.IsEmpty)
        {
            throw new ArgumentException("The private key to wrap is empty.", nameof(privateKeyPkcs8));
        }

        var associatedData = AssociatedData.ForPrivateKey(context);
        var blob = new byte[Overhead + privateKeyPkcs8.Length];
        blob[0] = FormatVersion;
        RandomNumberGenerator.Fill(blob.AsSpan(SaltOffset, SaltLength + NonceLength));

        Span<byte> subkey = stackalloc byte[32];
        try
        {
            DeriveSubkey(key, blob.AsSpan(SaltOffset, SaltLength), subkey);
            using var aes = new AesGcm(subkey, TagLength);
            aes.Encrypt(
                blob.AsSpan(NonceOffset, NonceLength),
                privateKeyPkcs8,
                blob.AsSpan(CiphertextOffset, privateKeyPkcs8.Length),
                blob.AsSpan(blob.Length - TagLength),
                associatedData);
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(subkey);
        }
    }

    /// <summary>
    /// Unwraps a private key. The result is the PKCS#8 DER in a pinned array, so the garbage
    /// collector never moves it and leaves no stray copy: the caller must zero it with
    /// <see cref="CryptographicOperations.ZeroMemory"/> as soon as the key is imported. Throws
    /// <see cref="MalformedBlobException"/> when the blob cannot be parsed and
    /// <see cref="WrappedKeyAuthenticationException"/> when the policy key or context is wrong or
    /// the blob was altered; no plaintext is returned or left behind on failure.
    /// </summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> blob, PolicyKey key, KeyWrapContext context)
    {
        ArgumentNullException.ThrowIfNull(key);
        var associatedData = AssociatedData.ForPrivateKey(context);
        CheckShape(blob, context);

        var plaintext = GC.AllocateArray<byte>(blob.Length - Overhead, pinned: true);
        Span<byte> subkey = stackalloc byte[32];
        try
        {
            DeriveSubkey(key, blob.Slice(SaltOffset, SaltLength), subkey);
            using var aes = new AesGcm(subkey, TagLength);
            aes.Decrypt(
                blob.Slice(NonceOffset, NonceLength),
                blob.Slice(CiphertextOffset, plaintext.Length),
                blob[^TagLength..],
                plaintext,
                associatedData);
            return plaintext;
        }
        catch (CryptographicException ex)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new WrappedKeyAuthenticationException(
                $"The wrapped private key '{context.KeyId}' version {context.KeyVersion} could not be opened with the policy key of policy '{context.PolicyId}' generation {context.PolicyKeyGeneration}: authentication failed. The blob was wrapped under another policy key, generation, key id or version, or it was altered.",
                ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(subkey);
        }
    }

    /// <summary>
    /// Re-wraps a private key from one policy key and context to another, for policy key
    /// rotation (a new generation) or a key version bump. The plaintext exists only in a pinned
    /// buffer that is zeroed before this returns. Throws like <see cref="Unwrap"/> when the old
    /// blob cannot be opened.
    /// </summary>
    public static byte[] Rewrap(ReadOnlySpan<byte> blob, PolicyKey oldKey, KeyWrapContext oldContext, PolicyKey newKey, KeyWrapContext newContext)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        _ = AssociatedData.ForPrivateKey(newContext);
        var plaintext = Unwrap(blob, oldKey, oldContext);
        try
        {
            return Wrap(plaintext, newKey, newContext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static void CheckShape(ReadOnlySpan<byte> blob, KeyWrapContext context)
    {
        if (blob.IsEmpty)
        {
            throw new MalformedBlobException($"The wrapped private key for {context} is empty.");
        }

        if (blob[0] != FormatVersion)
        {
            throw new MalformedBlobException(
                $"The wrapped private key for {context} has format version {blob[0]}; this build reads version {FormatVersion} only.");
        }

        if (blob.Length <= Overhead)
        {
            throw new MalformedBlobException(
                $"The wrapped private key for {context} is {blob.Length} bytes; a version {FormatVersion} blob is longer than {Overhead} bytes.");
        }
    }

    private static void DeriveSubkey(PolicyKey key, ReadOnlySpan<byte> salt, Span<byte> subkey) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key.Bytes, subkey, salt, Info);
}
