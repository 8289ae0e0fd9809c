using System.Globalization;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;

namespace KeylessGeo.StoreBench;

/// <summary>
/// Records for the cold-key benchmarks, made as the control plane makes them: a policy whose key
/// is wrapped to each permitted datacenter's wrapping key, and real P-256 private keys wrapped
/// under that policy key (so a keyserver fetches, unwraps twice and imports a real key).
/// </summary>
internal static class ColdKeyRecords
{
    /// <summary>Key id <paramref name="index"/> of a set named <paramref name="prefix"/> (ordinal order follows the index).</summary>
    public static string KeyId(string prefix, int index) => prefix + "-" + index.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>
    /// Policy <paramref name="policyId"/> (version 1, key generation 1) permitting the datacenters
    /// of <paramref name="holders"/>, its key wrapped to each one's wrapping key; the control
    /// plane's copy is wrapped to the first (a benchmark shortcut: no control plane runs).
    /// </summary>
    public static PolicyRecord Policy(string policyId, PolicyKey policyKey, IReadOnlyList<(string Datacenter, DatacenterWrappingKey Key)> holders, DateTimeOffset now) => new()
    {
        Id = policyId,
        Version = 1,
        Text = "dc: " + string.Join(" or dc: ", holders.Select(h => h.Datacenter)),
        Author = "storebench",
        UpdatedAt = now,
        KeyGeneration = 1,
        PermittedDatacenters = [.. holders.Select(h => h.Datacenter)],
        WrappedKeys =
        [
            .. holders.Select(h => new WrappedPolicyKey
            {
                DatacenterId = h.Datacenter,
                WrappingKeyFingerprint = h.Key.Fingerprint,
                Blob = PolicyKeyWrapping.WrapFor(policyKey, h.Key.Public, new PolicyKeyContext(policyId, 1, h.Datacenter)),
            }),
        ],
        ControlPlaneCopy = new WrappedPolicyKey
        {
            DatacenterId = WrappedPolicyKey.ControlPlaneDatacenterId,
            WrappingKeyFingerprint = holders[0].Key.Fingerprint,
            Blob = PolicyKeyWrapping.WrapFor(policyKey, holders[0].Key.Public, new PolicyKeyContext(policyId, 1, WrappedPolicyKey.ControlPlaneDatacenterId)),
        },
    };

    /// <summary>The registration of <paramref name="key"/> as <paramref name="datacenter"/>'s wrapping key.</summary>
    public static WrappingKeyRecord WrappingKey(string datacenter, DatacenterWrappingKey key, DateTimeOffset now) => new()
    {
        DatacenterId = datacenter,
        Fingerprint = key.Fingerprint,
        PublicKey = key.Public.SubjectPublicKeyInfo.ToArray(),
        RegisteredAt = now,
    };

    /// <summary>A fresh P-256 key <paramref name="keyId"/> under <paramref name="policyId"/>, its private key wrapped under <paramref name="policyKey"/>.</summary>
    public static ManagedKeyRecord Key(string keyId, string policyId, PolicyKey policyKey, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            var spki = key.ExportSubjectPublicKeyInfo();
            return new ManagedKeyRecord
            {
                KeyId = keyId,
                PolicyId = policyId,
                Version = 1,
                Algorithm = "ecdsa-p256",
                SubjectPublicKeyInfo = spki,
                Ski = SHA1.HashData(spki.AsSpan(spki.Length - 65)),
                HostNames = [keyId + ".example.com"],
                IpAddresses = [],
                PolicyKeyGeneration = 1,
                WrappedPrivateKey = PrivateKeyWrapping.Wrap(pkcs8, policyKey, new KeyWrapContext(keyId, policyId, 1, 1)),
                CreatedAt = now,
                UpdatedAt = now,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
