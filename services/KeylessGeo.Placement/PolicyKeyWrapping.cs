using System.Security.Cryptography;
using System.Text;

namespace KeylessGeo.Placement;

/// <summary>
/// Wraps a policy key to one datacenter's public wrapping key, and unwraps it with that
/// datacenter's private wrapping key. Hybrid encryption: ephemeral ECDH P-256, HKDF-SHA256,
/// AES-256-GCM with the <see cref="PolicyKeyContext"/> as associated data. Blob layout
/// (126 bytes, version 1): see README.md, "Wrapped policy key".
/// </summary>
public static class PolicyKeyWrapping
{
    /// <summary>The current (and only) blob format version.</summary>
    public const byte FormatVersion = 1;

    /// <summary>The length of a version 1 wrapped policy key.</summary>
    public const int BlobLength = 1 + PointLength + NonceLength + PolicyKey.SizeInBytes + TagLength;

    /// <summary>The HKDF info, also the first associated-data field.</summary>
    internal const string Label = "keylessgeo policy-key wrap v1";

    private const int PointLength = 1 + (2 * DatacenterPublicKey.CoordinateSize);
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int PointOffset = 1;
    private const int NonceOffset = PointOffset + PointLength;
    private const int CiphertextOffset = NonceOffset + NonceLength;
    private const int TagOffset = CiphertextOffset + PolicyKey.SizeInBytes;
    private const byte UncompressedPoint = 0x04;

    private static readonly byte[] Info = Encoding.ASCII.GetBytes(Label);

    /// <summary>
    /// Wraps <paramref name="key"/> so that only the holder of <paramref name="datacenter"/>'s
    /// private wrapping key, presenting the same <paramref name="context"/>, can unwrap it.
    /// </summary>
    public static byte[] WrapFor(PolicyKey key, DatacenterPublicKey datacenter, PolicyKeyContext context)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(datacenter);
        var associatedData = AssociatedData.ForPolicyKey(context);

        var blob = new byte[BlobLength];
        blob[0] = FormatVersion;
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        WritePoint(ephemeral, blob.AsSpan(PointOffset, PointLength));
        RandomNumberGenerator.Fill(blob.AsSpan(NonceOffset, NonceLength));

        byte[]? shared = null;
        Span<byte> kek = stackalloc byte[32];
        try
        {
            using (var recipient = datacenter.CreateAlgorithm())
            {
                shared = ephemeral.DeriveRawSecretAgreement(recipient.PublicKey);
            }

            DeriveKek(shared, blob.AsSpan(PointOffset, PointLength), datacenter.SpkiHash, kek);
            using var aes = new AesGcm(kek, TagLength);
            aes.Encrypt(
                blob.AsSpan(NonceOffset, NonceLength),
                key.Bytes,
                blob.AsSpan(CiphertextOffset, PolicyKey.SizeInBytes),
                blob.AsSpan(TagOffset, TagLength),
                associatedData);
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
            if (shared is not null)
            {
                CryptographicOperations.ZeroMemory(shared);
            }
        }
    }

    /// <summary>
    /// Unwraps a policy key wrapped for <paramref name="datacenterKey"/>'s datacenter under
    /// <paramref name="context"/>. Throws <see cref="MalformedBlobException"/> when the blob cannot
    /// be parsed and <see cref="WrappedKeyAuthenticationException"/> when it was wrapped for
    /// another datacenter or context, or altered. The caller disposes the returned key.
    /// </summary>
    public static PolicyKey Unwrap(ReadOnlySpan<byte> blob, DatacenterWrappingKey datacenterKey, PolicyKeyContext context)
    {
        ArgumentNullException.ThrowIfNull(datacenterKey);
        var associatedData = AssociatedData.ForPolicyKey(context);
        CheckShape(blob, context);

        var point = blob.Slice(PointOffset, PointLength);
        byte[] shared;
        using (var ephemeral = ImportPoint(point, context))
        {
            shared = datacenterKey.DeriveSharedSecret(ephemeral.PublicKey);
        }

        Span<byte> kek = stackalloc byte[32];
        var key = PolicyKey.CreateEmpty();
        try
        {
            DeriveKek(shared, point, datacenterKey.Public.SpkiHash, kek);
            using var aes = new AesGcm(kek, TagLength);
            aes.Decrypt(
                blob.Slice(NonceOffset, NonceLength),
                blob.Slice(CiphertextOffset, PolicyKey.SizeInBytes),
                blob.Slice(TagOffset, TagLength),
                key.Bytes,
                associatedData);
            return key;
        }
        catch (CryptographicException ex)
        {
            key.Dispose();
            throw new WrappedKeyAuthenticationException(
                $"The wrapped policy key for policy '{context.PolicyId}' generation {context.Generation} could not be opened with datacenter '{context.DatacenterId}''s wrapping key (fingerprint {datacenterKey.Fingerprint}): authentication failed. The copy was wrapped for another datacenter, policy or generation, or it was altered.",
                ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    private static void CheckShape(ReadOnlySpan<byte> blob, PolicyKeyContext context)
    {
        if (blob.IsEmpty)
        {
            throw new MalformedBlobException($"The wrapped policy key for {context} is empty.");
        }

        if (blob[0] != FormatVersion)
        {
            throw new MalformedBlobException(
                $"The wrapped policy key for {context} has format version {blob[0]}; this build reads version {FormatVersion} only.");
        }

        if (blob.Length != BlobLength)
        {
            throw new MalformedBlobException(
                $"The wrapped policy key for {context} is {blob.Length} bytes; a version {FormatVersion} blob is exactly {BlobLength} bytes.");
        }

        if (blob[PointOffset] != UncompressedPoint)
        {
            throw new MalformedBlobException($"The wrapped policy key for {context} does not start with an uncompressed ephemeral P-256 point.");
        }
    }

    private static ECDiffieHellman ImportPoint(ReadOnlySpan<byte> point, PolicyKeyContext context)
    {
        try
        {
            // OpenSSL checks the point is on the curve here; an invalid-curve point never reaches ECDH.
            return ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint
                {
                    X = point.Slice(1, DatacenterPublicKey.CoordinateSize).ToArray(),
                    Y = point.Slice(1 + DatacenterPublicKey.CoordinateSize).ToArray(),
                },
            });
        }
        catch (CryptographicException ex)
        {
            throw new MalformedBlobException($"The wrapped policy key for {context} carries an ephemeral public key that is not a P-256 point.", ex);
        }
    }

    private static void WritePoint(ECDiffieHellman ephemeral, Span<byte> destination)
    {
        var parameters = ephemeral.ExportParameters(includePrivateParameters: false);
        destination[0] = UncompressedPoint;
        parameters.Q.X.AsSpan().CopyTo(destination[1..]);
        parameters.Q.Y.AsSpan().CopyTo(destination[(1 + DatacenterPublicKey.CoordinateSize)..]);
    }

    // salt = ephemeral point (65 bytes) || SHA-256(recipient SPKI) (32 bytes): binds the wrap key to
    // this exchange and to the intended recipient's public key.
    private static void DeriveKek(ReadOnlySpan<byte> shared, ReadOnlySpan<byte> point, ReadOnlySpan<byte> recipientSpkiHash, Span<byte> kek)
    {
        Span<byte> salt = stackalloc byte[PointLength + 32];
        point.CopyTo(salt);
        recipientSpkiHash.CopyTo(salt[PointLength..]);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, kek, salt, Info);
    }
}
