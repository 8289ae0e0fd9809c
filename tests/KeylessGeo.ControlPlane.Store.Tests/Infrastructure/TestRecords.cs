using System.Collections.Immutable;
using System.Text;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

/// <summary>Records with every field set, for commits in tests. Timestamps are UTC, whole milliseconds.</summary>
public static class TestRecords
{
    public static readonly DateTimeOffset Time = new(2026, 3, 1, 12, 30, 45, 123, TimeSpan.Zero);

    public static AuditDraft Audit(string action = "test.change", string subject = "test/1") =>
        new("operator@example.com", action, subject, """{"what":"a test change"}""");

    public static ChangeSet Change(string action = "test.change") => new() { Audit = Audit(action) };

    public static DatacenterRecord Datacenter(string id, string region = "EU") => new()
    {
        Id = id,
        Region = region,
        Country = "DE",
        Tier = "standard",
        Labels = ["pci", "zone-a"],
    };

    public static WrappingKeyRecord WrappingKey(string datacenterId) => new()
    {
        DatacenterId = datacenterId,
        Fingerprint = "ab" + datacenterId,
        PublicKey = Bytes(91, seed: datacenterId.Length),
        RegisteredAt = Time,
    };

    public static PolicyRecord Policy(string id, long version = 1) => new()
    {
        Id = id,
        Version = version,
        Text = $"allow region EU; deny country RU # v{version}",
        Author = "alice",
        Comment = "für die EU — 欧州",
        UpdatedAt = Time.AddMinutes(version),
        KeyGeneration = 2,
        PermittedDatacenters = ["fra1", "ams1"],
        WrappedKeys =
        [
            new WrappedPolicyKey { DatacenterId = "fra1", WrappingKeyFingerprint = "f1", Blob = Bytes(77, seed: 1) },
            new WrappedPolicyKey { DatacenterId = "ams1", WrappingKeyFingerprint = "a1", Blob = Bytes(78, seed: 2) },
        ],
        ControlPlaneCopy = new WrappedPolicyKey
        {
            DatacenterId = WrappedPolicyKey.ControlPlaneDatacenterId,
            WrappingKeyFingerprint = "cp1",
            Blob = Bytes(79, seed: 5),
        },
    };

    public static ManagedKeyRecord Key(string keyId, int version = 1, string policyId = "eu-only") => new()
    {
        KeyId = keyId,
        PolicyId = policyId,
        Version = version,
        Algorithm = "ecdsa-p256",
        SubjectPublicKeyInfo = Bytes(91, seed: 3),
        Ski = Bytes(20, seed: 4),
        CertDigest = Bytes(32, seed: 5),
        CertificatePem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        HostNames = ["example.com", "*.example.com"],
        PolicyKeyGeneration = 2,
        WrappedPrivateKey = Bytes(300, seed: 6),
        CreatedAt = Time,
        UpdatedAt = Time.AddSeconds(version),
    };

    public static KeyserverLease Lease(string keyserverId, string datacenterId = "fra1") => new()
    {
        KeyserverId = keyserverId,
        DatacenterId = datacenterId,
        Endpoints = ["grpc://127.0.0.1:7443", "keyless://127.0.0.1:2407"],
        Capacity = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, double>
        {
            ["ecdsa-p256"] = 41234.5,
            ["rsa-2048"] = 1234.0625,
        }),
        Accelerator = "qat",
        AppliedRevision = 7,
        ClusterId = "keylessgeo-eu",
        ClusterMembers = [keyserverId, "ks-peer"],
        ClusterVersion = 12,
        RenewedAt = DateTimeOffset.UnixEpoch,
        ExpiresAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>Every byte value appears, so encodings that mangle some bytes show.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 37) + seed);
        }

        return bytes;
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
