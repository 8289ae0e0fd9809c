using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Managed keys as key index entries: the identifiers a lookup can use (key id, SKI,
/// certificate digest, host names, the certificate's IP addresses), the algorithm from the
/// public key, and the refusal a denied or unavailable key answers with.
/// </summary>
internal static class ManagedKeyEntries
{
    private const string PublicKeySource = "control plane";

    /// <summary>
    /// <paramref name="record"/> as the index holds it: without the wrapped private key and the
    /// public key (fetched with it on first use; digests stand in for both) and the certificate PEM
    /// (read once for its IP addresses), with the policy id and
    /// algorithm name shared with other records rather than one string per key.
    /// </summary>
    public static ManagedKeyRecord Slim(ManagedKeyRecord record, string? policyId) => record with
    {
        WrappedPrivateKey = [],
        SubjectPublicKeyInfo = [],
        CertificatePem = null,
        PolicyId = policyId is not null && string.Equals(policyId, record.PolicyId, StringComparison.Ordinal) ? policyId : record.PolicyId,
        Algorithm = string.Intern(record.Algorithm),
    };

    /// <summary>The first 8 bytes of the SHA-256 of <paramref name="bytes"/>: stands for a bulky field the index does not hold.</summary>
    public static long Digest(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return BitConverter.ToInt64(hash);
    }

    /// <summary>The digest of a certificate PEM (0 without one).</summary>
    public static long Digest(string? certificatePem) =>
        string.IsNullOrEmpty(certificatePem) ? 0 : Digest(System.Text.Encoding.UTF8.GetBytes(certificatePem));

    /// <summary>The IP addresses of a key's certificate (from the full record: the index's slim copy has no certificate).</summary>
    public static IReadOnlyList<byte[]> IpAddressesOf(string? certificatePem) => CertificateIpAddresses(certificatePem);

    /// <summary>
    /// Reads <paramref name="record"/>'s public key once (the index does not keep it): the
    /// operations it takes, and why its public facts cannot be served, or null when they can.
    /// </summary>
    public static ManagedKeyShape Inspect(ManagedKeyRecord record) => Inspect(record, null);

    /// <summary>
    /// As <see cref="Inspect(ManagedKeyRecord)"/>, with the build loop's <paramref name="digests"/>:
    /// an uncompressed NIST-curve public key, whose DER is a fixed prefix and the point, is read by
    /// that prefix (the same facts and checks, without a DER reader and its strings per key).
    /// </summary>
    public static ManagedKeyShape Inspect(ManagedKeyRecord record, ManagedKeyDigests? digests)
    {
        if (digests is not null && EcPublicKeyPrefixes.Match(record.SubjectPublicKeyInfo) is { } curve)
        {
            var point = record.SubjectPublicKeyInfo.AsSpan(curve.Prefix.Length);
            var curveProblem = !digests.IsSkiOf(point, record.Ski)
                ? "its recorded SKI is not the SKI of its public key"
                : record.CertDigest is { Length: > 0 }
                    ? "its recorded certificate digest is not the digest of its public key"
                    : null;
            return new ManagedKeyShape(curve.Algorithm, 0, curve.Bits, curveProblem);
        }

        ParsedPublicKey parsed;
        try
        {
            parsed = SubjectPublicKeyInfoParser.Parse(record.SubjectPublicKeyInfo);
        }
        catch (KeyFileException e)
        {
            // Refused with its problem: the placeholders below are never used for an operation.
            return new ManagedKeyShape(KeyAlgorithm.Rsa2048, 0, 0, $"its public key cannot be served: {e.Message}");
        }

        var problem = !parsed.Ski.AsSpan().SequenceEqual(record.Ski)
            ? "its recorded SKI is not the SKI of its public key"
            : !parsed.CertDigest.AsSpan().SequenceEqual(record.CertDigest)
                ? "its recorded certificate digest is not the digest of its public key"
                : null;
        return new ManagedKeyShape(parsed.Algorithm, parsed.ModulusBytes, parsed.KeySizeBits, problem);
    }

    /// <summary>The index entry for <paramref name="facts"/>: public facts, the refusal if any, and the source that opens it.</summary>
    public static IndexedKey Create(ManagedKeyFacts facts, long generation, ManagedKeySource source, ManagedKeyShape shape, IReadOnlyList<byte[]> ipAddresses)
    {
        var record = facts.Record;
        return new IndexedKey
        {
            KeyId = record.KeyId,
            Generation = generation,
            Source = source,
            RefusalCode = facts.Status switch
            {
                ManagedKeyStatus.Servable => ErrorCode.Unspecified,
                ManagedKeyStatus.Denied => ErrorCode.PolicyDenied,
                _ => ErrorCode.Internal,
            },
            RefusalMessage = facts.Refusal,
            Algorithm = shape.Algorithm,
            ModulusBytes = shape.ModulusBytes,
            KeySizeBits = shape.KeySizeBits,

            // Not held: the source checks an opened key against the public key fetched with it.
            SubjectPublicKeyInfo = [],
            Ski = record.Ski,
            CertDigest = record.CertDigest,

            // The record's own array, not a boxed ImmutableArray: one object less per key.
            HostNames = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(record.HostNames) ?? [],
            IpAddresses = ipAddresses,
            PublicKeySource = PublicKeySource,
        };
    }

    private static IReadOnlyList<byte[]> CertificateIpAddresses(string? certificatePem)
    {
        if (string.IsNullOrEmpty(certificatePem))
        {
            return [];
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            return CertificateNames.Read(certificate).IpAddresses;
        }
        catch (CryptographicException)
        {
            // Lookup by server IP is a convenience: a certificate the keyserver cannot parse
            // leaves the key reachable by id, SKI, digest and host name.
            return [];
        }
    }
}
