using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.StoreBench;

/// <summary>
/// Synthetic records a keyserver in fra1 decides as servable, for the feed benchmark: the topology
/// (fra1 and ams1 in the EU), policies whose text permits the EU with a copy wrapped to the
/// benchmark keyserver's wrapping key, and keys whose SubjectPublicKeyInfo is a well-formed P-256
/// SPKI whose point is random bytes (it parses and its SKI matches, but it is not a point on the
/// curve: nothing is unwrapped or signed here). Blob sizes as in <see cref="SyntheticRecords"/>.
/// </summary>
internal static class FeedRecords
{
    public const string Datacenter = "fra1";

    // SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits) } for a 65-byte uncompressed point.
    private static readonly byte[] P256Prefix = Convert.FromHexString("3059301306072A8648CE3D020106082A8648CE3D030107034200");
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ImmutableArray<DatacenterRecord> Topology { get; } =
    [
        new() { Id = "ams1", Region = "EU", Country = "NL", Tier = "standard" },
        new() { Id = Datacenter, Region = "EU", Country = "DE", Tier = "standard" },
    ];

    public static PolicyRecord Policy(int index, long version, string fingerprint, Random random) => new()
    {
        Id = SyntheticRecords.PolicyId(index),
        Version = version,
        Text = "region: EU",
        Author = "storebench",
        UpdatedAt = Epoch.AddSeconds(version),
        KeyGeneration = 1,
        PermittedDatacenters = ["ams1", Datacenter],
        WrappedKeys = [Wrapped("ams1", "fp-ams1", random), Wrapped(Datacenter, fingerprint, random)],
        ControlPlaneCopy = Wrapped(WrappedPolicyKey.ControlPlaneDatacenterId, "fp-control-plane", random),
    };

    /// <summary>Key <paramref name="index"/>, with a real certificate from <paramref name="certificates"/> when given.</summary>
    public static ManagedKeyRecord Key(int index, int policyCount, int version, Random random, CertificatePool? certificates = null)
    {
        var point = new byte[65];
        random.NextBytes(point);
        point[0] = 0x04;
        var wrapped = new byte[180];
        random.NextBytes(wrapped);
        return new ManagedKeyRecord
        {
            KeyId = SyntheticRecords.KeyId(index),
            PolicyId = SyntheticRecords.PolicyId(index % policyCount),
            Version = version,
            Algorithm = "ecdsa-p256",
            SubjectPublicKeyInfo = [.. P256Prefix, .. point],
            Ski = SHA1.HashData(point),
            HostNames = ["k" + index.ToString("D7", CultureInfo.InvariantCulture) + ".example.com"],
            CertificatePem = certificates?.PemFor(index),

            // As the control plane records them at import (none without a certificate).
            IpAddresses = certificates?.IpAddressesFor(index) ?? [],
            PolicyKeyGeneration = 1,
            WrappedPrivateKey = wrapped,
            CreatedAt = Epoch,
            UpdatedAt = Epoch.AddSeconds(version),
        };
    }

    /// <summary>
    /// The keys of <paramref name="page"/> copied (new arrays and strings), as a keyserver reading a
    /// remote store deserializes its own: what its index keeps is then not shared with the store.
    /// </summary>
    public static SnapshotPage Detached(SnapshotPage page) => page with
    {
        Keys = [.. page.Keys.Select(static k => k with
        {
            KeyId = new string(k.KeyId),
            PolicyId = new string(k.PolicyId),
            Algorithm = new string(k.Algorithm),
            SubjectPublicKeyInfo = [.. k.SubjectPublicKeyInfo],
            Ski = [.. k.Ski],
            CertDigest = k.CertDigest is null ? null : [.. k.CertDigest],
            HostNames = [.. k.HostNames.Select(static n => new string(n))],
            CertificatePem = k.CertificatePem is null ? null : new string(k.CertificatePem),
            IpAddresses = k.IpAddresses is { } ips ? [.. ips.Select(static ip => (byte[])[.. ip])] : null,
            ContentDigest = k.ContentDigest is null ? null : [.. k.ContentDigest],
            WrappedPrivateKey = [.. k.WrappedPrivateKey],
        })],
    };

    private static WrappedPolicyKey Wrapped(string datacenter, string fingerprint, Random random)
    {
        var blob = new byte[60];
        random.NextBytes(blob);
        return new WrappedPolicyKey { DatacenterId = datacenter, WrappingKeyFingerprint = fingerprint, Blob = blob };
    }
}
