using System.Collections.Immutable;
using System.Globalization;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlaneBench;

/// <summary>
/// Synthetic policies and keys with the shape of real ones and small random blobs (the same shape
/// as the store benchmark's): SPKI 91 random bytes, wrapped private key 180 random bytes, no
/// certificate, one host name per key; each policy has two wrapped copies and the control plane's.
/// The control plane's follower never opens a blob, so their contents do not matter here.
/// </summary>
internal static class BenchRecords
{
    /// <summary>The line printed with every run.</summary>
    public const string Description =
        "synthetic records: SPKI 91 random bytes, wrapped private key 180 random bytes (~wrapped P-256), no certificate PEM, one host name per key; "
        + "policies carry 3 wrapped copies of 60 random bytes; 100 keys per policy";

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ImmutableArray<DatacenterRecord> Topology { get; } =
    [
        new DatacenterRecord { Id = "ams1", Region = "EU", Country = "NL", Tier = "standard" },
        new DatacenterRecord { Id = "fra1", Region = "EU", Country = "DE", Tier = "standard" },
    ];

    public static string PolicyId(int index) => "policy-" + index.ToString("D5", CultureInfo.InvariantCulture);

    public static PolicyRecord Policy(int index, long version, Random random) => new()
    {
        Id = PolicyId(index),
        Version = version,
        Text = "region: EU",
        Author = "cpbench",
        UpdatedAt = Epoch.AddSeconds(version),
        KeyGeneration = 1,
        PermittedDatacenters = ["ams1", "fra1"],
        WrappedKeys = [Wrapped("ams1", random), Wrapped("fra1", random)],
        ControlPlaneCopy = Wrapped(WrappedPolicyKey.ControlPlaneDatacenterId, random),
    };

    public static ManagedKeyRecord Key(int index, int policyCount, int version, Random random) => new()
    {
        KeyId = "key-" + index.ToString("D7", CultureInfo.InvariantCulture),
        PolicyId = PolicyId(index % policyCount),
        Version = version,
        Algorithm = "ecdsa-p256",
        SubjectPublicKeyInfo = Bytes(91, random),
        Ski = Bytes(20, random),
        HostNames = ["k" + index.ToString("D7", CultureInfo.InvariantCulture) + ".example.com"],
        PolicyKeyGeneration = 1,
        WrappedPrivateKey = Bytes(180, random),
        CreatedAt = Epoch,
        UpdatedAt = Epoch.AddSeconds(version),
    };

    public static ChangeSet Change(string action, string subject) => new() { Audit = new AuditDraft("cpbench", action, subject, "{}") };

    private static WrappedPolicyKey Wrapped(string datacenter, Random random) =>
        new() { DatacenterId = datacenter, WrappingKeyFingerprint = "fp-" + datacenter, Blob = Bytes(60, random) };

    private static byte[] Bytes(int length, Random random)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
