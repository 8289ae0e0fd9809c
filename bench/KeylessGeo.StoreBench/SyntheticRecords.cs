using System.Collections.Immutable;
using System.Globalization;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.StoreBench;

/// <summary>
/// Synthetic policies and keys with the shape of real ones and small random blobs. How they differ
/// from real records (printed with every run): the SubjectPublicKeyInfo is 91 random bytes (the
/// size of a P-256 SPKI, not a valid key), the wrapped private key 180 random bytes (about an
/// AES-GCM-wrapped P-256 PKCS#8; an RSA-2048 key wraps to about 1.3 KB), there is no certificate
/// PEM (a real key may carry ~1–2 KB), one host name per key, and each policy's wrapped copies are
/// 60 random bytes for two datacenters and the control plane.
/// </summary>
internal static class SyntheticRecords
{
    /// <summary>The line printed with every run.</summary>
    public const string Description =
        "synthetic records: SPKI 91 random bytes (P-256 size, not a valid key), wrapped private key 180 random bytes (~wrapped P-256; RSA-2048 would be ~1.3 KB), "
        + "no certificate PEM (real keys may carry 1-2 KB), one host name per key; policies carry 3 wrapped copies of 60 random bytes";

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string KeyId(int index) => "key-" + index.ToString("D7", CultureInfo.InvariantCulture);

    public static string PolicyId(int index) => "policy-" + index.ToString("D5", CultureInfo.InvariantCulture);

    public static PolicyRecord Policy(int index, Random random) => new()
    {
        Id = PolicyId(index),
        Version = 1,
        Text = "allow region EU; deny country RU",
        Author = "storebench",
        UpdatedAt = Epoch,
        KeyGeneration = 1,
        PermittedDatacenters = ["fra1", "ams1"],
        WrappedKeys = [Wrapped("fra1", random), Wrapped("ams1", random)],
        ControlPlaneCopy = Wrapped(WrappedPolicyKey.ControlPlaneDatacenterId, random),
    };

    public static ManagedKeyRecord Key(int index, int policyCount, int version, Random random) => new()
    {
        KeyId = KeyId(index),
        PolicyId = PolicyId(index % policyCount),
        Version = version,
        Algorithm = "ecdsa-p256",
        SubjectPublicKeyInfo = Bytes(91, random),
        Ski = Bytes(20, random),
        CertDigest = Bytes(32, random),
        HostNames = ["k" + index.ToString("D7", CultureInfo.InvariantCulture) + ".example.com"],
        PolicyKeyGeneration = 1,
        WrappedPrivateKey = Bytes(180, random),
        CreatedAt = Epoch,
        UpdatedAt = Epoch.AddSeconds(version),
    };

    public static ChangeSet Change(string action, string subject) => new() { Audit = new AuditDraft("storebench", action, subject, "{}") };

    public static ChangeSet Upserts(ImmutableArray<PolicyRecord> policies, ImmutableArray<ManagedKeyRecord> keys) =>
        Change("bench.load", $"keys/{keys.Length}") with { UpsertPolicies = policies, UpsertKeys = keys };

    private static WrappedPolicyKey Wrapped(string datacenter, Random random) =>
        new() { DatacenterId = datacenter, WrappingKeyFingerprint = "fp-" + datacenter, Blob = Bytes(60, random) };

    private static byte[] Bytes(int length, Random random)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
