using System.Security.Cryptography;
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
    /// public key (fetched with it on first use), the certificate PEM (its IP addresses are
    /// recorded, or read from it once) and the content digest (its first 8 bytes are in the facts),
    /// with the policy id and algorithm name shared with other records rather than one string per key.
    /// </summary>
    public static ManagedKeyRecord Slim(ManagedKeyRecord record, string? policyId) => record with
    {
        WrappedPrivateKey = [],
        SubjectPublicKeyInfo = [],
        CertificatePem = null,
        ContentDigest = null,
        PolicyId = policyId is not null && string.Equals(policyId, record.PolicyId, StringComparison.Ordinal) ? policyId : record.PolicyId,
        Algorithm = string.Intern(record.Algorithm),
    };

    /// <summary>The first 8 bytes of a content digest (<see cref="ManagedKeyContent"/>): what the index keeps of it.</summary>
    public static long ShortDigest(byte[] contentDigest)
    {
        ArgumentNullException.ThrowIfNull(contentDigest);
        return BitConverter.ToInt64(contentDigest);
    }

    /// <summary>
    /// The short content digest of <paramref name="record"/>: from the digest the store wrote, or
    /// computed from the record's fields when it has none (a store that does not keep digests; its
    /// records are full ones).
    /// </summary>
    public static long ContentDigestOf(ManagedKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ShortDigest(record.ContentDigest is { Length: ManagedKeyContent.DigestLength } digest ? digest : ManagedKeyContent.Digest(record));
    }

    /// <summary>
    /// The IP addresses a key is found by: those the control plane recorded, or for a record written
    /// before it recorded them, those of its certificate (parsed here; the record then carries it).
    /// </summary>
    public static IReadOnlyList<byte[]> IpAddressesOf(ManagedKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.IpAddresses is { } recorded
            ? System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(recorded) ?? []
            : CertificateIpAddresses(record.CertificatePem);
    }

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
        try
        {
            return System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(CertificateSubjectNames.IpAddresses(certificatePem)) ?? [];
        }
        catch (CryptographicException)
        {
            // Lookup by server IP is a convenience: a certificate the keyserver cannot parse
            // leaves the key reachable by id, SKI, digest and host name.
            return [];
        }
    }
}
