using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Placement;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// Writes control-plane store contents with change sets exactly as the control plane does:
/// topology, datacenter wrapping keys, policies whose key is wrapped to each permitted datacenter
/// with a registered wrapping key and to the control plane, keys wrapped under their policy key, narrowing and widening (delete
/// or add a datacenter's wrapped copy, update the permitted list and version), key rotation and
/// removal. Every method returns the commit's revision.
/// </summary>
public sealed class StoreSeeder : IDisposable
{
    public const string ControlPlaneId = "control-plane";
    private const string Actor = "operator@test";

    private readonly IControlPlaneStore _store;
    private readonly TimeProvider _time;

    public StoreSeeder(IControlPlaneStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The control plane's own wrapping key (it opens the policies' control-plane copies).</summary>
    public DatacenterWrappingKey ControlPlaneKey { get; } = DatacenterWrappingKey.Generate();

    public static DatacenterRecord Datacenter(string id, string region, string country, string tier = "standard", params string[] labels) =>
        new() { Id = id, Region = region, Country = country, Tier = tier, Labels = [.. labels.Order(StringComparer.Ordinal)] };

    /// <summary>fra1 (EU, DE) and sfo1 (NA, US).</summary>
    public static ImmutableArray<DatacenterRecord> FraAndSfo { get; } = [Datacenter("fra1", "EU", "DE"), Datacenter("sfo1", "NA", "US")];

    public Task<long> SetTopologyAsync(IEnumerable<DatacenterRecord> datacenters) => CommitAsync(
        new ChangeSet { Audit = Audit("topology.replace", "topology"), ReplaceTopology = [.. datacenters] });

    public Task<long> RegisterWrappingKeyAsync(string datacenter, DatacenterPublicKey key) => CommitAsync(new ChangeSet
    {
        Audit = Audit("datacenter.register-key", "datacenter/" + datacenter),
        UpsertWrappingKeys =
        [
            new WrappingKeyRecord
            {
                DatacenterId = datacenter,
                Fingerprint = key.Fingerprint,
                PublicKey = key.SubjectPublicKeyInfo.ToArray(),
                RegisteredAt = _time.GetUtcNow(),
            },
        ],
    });

    /// <summary>Creates policy <paramref name="id"/> (version 1, key generation 1) permitting what <paramref name="text"/> permits.</summary>
    public async Task<long> CreatePolicyAsync(string id, string text)
    {
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        using var policyKey = PolicyKey.Generate();
        var permitted = Permitted(snapshot, text);
        var policy = new PolicyRecord
        {
            Id = id,
            Version = 1,
            Text = text,
            Author = Actor,
            UpdatedAt = _time.GetUtcNow(),
            KeyGeneration = 1,
            PermittedDatacenters = permitted,
            WrappedKeys = Copies(snapshot, policyKey, id, 1, permitted, []),
            ControlPlaneCopy = new WrappedPolicyKey
            {
                DatacenterId = ControlPlaneId,
                WrappingKeyFingerprint = ControlPlaneKey.Fingerprint,
                Blob = PolicyKeyWrapping.WrapFor(policyKey, ControlPlaneKey.Public, new PolicyKeyContext(id, 1, ControlPlaneId)),
            },
        };
        return await CommitAsync(new ChangeSet { Audit = Audit("policy.create", "policy/" + id), UpsertPolicies = [policy] }, snapshot.Revision);
    }

    /// <summary>
    /// Changes policy <paramref name="id"/>'s text (version + 1): datacenters it no longer permits
    /// lose their wrapped copy, newly permitted ones get one (the policy key opened through the
    /// control-plane copy).
    /// </summary>
    public async Task<long> UpdatePolicyAsync(string id, string text)
    {
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        var policy = snapshot.FindPolicy(id) ?? throw new InvalidOperationException($"no policy {id}");
        var permitted = Permitted(snapshot, text);
        using var policyKey = OpenPolicyKey(policy);
        var updated = policy with
        {
            Version = policy.Version + 1,
            Text = text,
            UpdatedAt = _time.GetUtcNow(),
            PermittedDatacenters = permitted,
            WrappedKeys = Copies(snapshot, policyKey, id, policy.KeyGeneration, permitted, policy.WrappedKeys),
        };
        return await CommitAsync(new ChangeSet { Audit = Audit("policy.update", "policy/" + id), UpsertPolicies = [updated] }, snapshot.Revision);
    }

    /// <summary>Writes policy <paramref name="id"/> edited by <paramref name="edit"/> as it is, unchecked (a tampered store).</summary>
    public async Task<long> TamperWithPolicyAsync(string id, Func<PolicyRecord, PolicyRecord> edit)
    {
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        var policy = snapshot.FindPolicy(id) ?? throw new InvalidOperationException($"no policy {id}");
        return await CommitAsync(new ChangeSet { Audit = Audit("policy.update", "policy/" + id), UpsertPolicies = [edit(policy)] }, snapshot.Revision);
    }

    /// <summary>The policy key wrapped for <paramref name="datacenter"/>'s given public key (for tampering tests).</summary>
    public async Task<WrappedPolicyKey> WrapPolicyKeyForAsync(string policyId, string datacenter, DatacenterPublicKey key)
    {
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        var policy = snapshot.FindPolicy(policyId)!;
        using var policyKey = OpenPolicyKey(policy);
        return new WrappedPolicyKey
        {
            DatacenterId = datacenter,
            WrappingKeyFingerprint = key.Fingerprint,
            Blob = PolicyKeyWrapping.WrapFor(policyKey, key, new PolicyKeyContext(policyId, policy.KeyGeneration, datacenter)),
        };
    }

    /// <summary>Imports <paramref name="key"/> (RSA or ECDSA) as <paramref name="keyId"/> version 1 under <paramref name="policyId"/>.</summary>
    public Task<long> ImportKeyAsync(string keyId, string policyId, AsymmetricAlgorithm key, params string[] hostNames) =>
        PutKeyAsync(keyId, policyId, key, 1, "key.import", hostNames);

    /// <summary>Imports <paramref name="key"/> as <paramref name="keyId"/> version 1, its record as <paramref name="edit"/> makes it (a certificate, addresses).</summary>
    public Task<long> ImportKeyAsync(string keyId, string policyId, AsymmetricAlgorithm key, Func<ManagedKeyRecord, ManagedKeyRecord> edit) =>
        PutKeyAsync(keyId, policyId, key, 1, "key.import", [], edit);

    /// <summary>
    /// Wraps <paramref name="keyId"/>'s private key (<paramref name="key"/>) again under the same
    /// version and policy key generation: another blob (a fresh nonce), the same key. The rest of the record stays.
    /// </summary>
    public async Task<long> RewrapKeyAsync(string keyId, AsymmetricAlgorithm key) =>
        await CommitAsync(new ChangeSet { Audit = Audit("key.rewrap", "key/" + keyId), UpsertKeys = [await RewrappedAsync(keyId, key)] });

    /// <summary>The record <see cref="RewrapKeyAsync"/> commits, not committed.</summary>
    public async Task<ManagedKeyRecord> RewrappedAsync(string keyId, AsymmetricAlgorithm key)
    {
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        var current = snapshot.FindKey(keyId)!;
        var policy = snapshot.FindPolicy(current.PolicyId)!;
        using var policyKey = OpenPolicyKey(policy);
        var fresh = Record(snapshot, policy, policyKey, keyId, key, current.Version, [.. current.HostNames]);
        return current with { WrappedPrivateKey = fresh.WrappedPrivateKey, UpdatedAt = fresh.UpdatedAt };
    }

    /// <summary>A version 1 record of <paramref name="key"/> as <paramref name="keyId"/> under <paramref name="policyId"/>, not committed.</summary>
    public async Task<ManagedKeyRecord> NewRecordAsync(string keyId, string policyId, AsymmetricAlgorithm key)
    {
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        var policy = snapshot.FindPolicy(policyId)!;
        using var policyKey = OpenPolicyKey(policy);
        return Record(snapshot, policy, policyKey, keyId, key, 1, []);
    }

    /// <summary>Replaces <paramref name="keyId"/>'s private key with <paramref name="key"/> (version + 1).</summary>
    public async Task<long> RotateKeyAsync(string keyId, AsymmetricAlgorithm key)
    {
        var current = (await _store.ReadSnapshotAsync(CancellationToken.None)).FindKey(keyId)!;
        return await PutKeyAsync(keyId, current.PolicyId, key, current.Version + 1, "key.rotate", [.. current.HostNames]);
    }

    public Task<long> RemoveKeyAsync(string keyId) =>
        CommitAsync(new ChangeSet { Audit = Audit("key.remove", "key/" + keyId), DeleteKeys = [keyId] });

    /// <summary>Commits <paramref name="changes"/> at the store's current revision.</summary>
    public async Task<long> CommitAsync(ChangeSet changes, long? expectedRevision = null)
    {
        var revision = expectedRevision ?? await _store.GetRevisionAsync(CancellationToken.None);
        return (await _store.CommitAsync(changes, revision, CancellationToken.None)).Revision;
    }

    /// <summary>The Keyless SKI: SHA-1 of the subjectPublicKey bit string.</summary>
    public static byte[] Ski(byte[] spki) =>
        SHA1.HashData(PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _).EncodedKeyValue.RawData);

    public void Dispose() => ControlPlaneKey.Dispose();

    /// <summary>Imports many keys under <paramref name="policyId"/> in one commit (version 1 each).</summary>
    public async Task<long> ImportKeysAsync(string policyId, IEnumerable<(string KeyId, AsymmetricAlgorithm Key)> keys)
    {
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        var policy = snapshot.FindPolicy(policyId) ?? throw new InvalidOperationException($"no policy {policyId}");
        using var policyKey = OpenPolicyKey(policy);
        var records = keys.Select(k => Record(snapshot, policy, policyKey, k.KeyId, k.Key, 1, [])).ToImmutableArray();
        return await CommitAsync(new ChangeSet { Audit = Audit("key.import", "policy/" + policyId), UpsertKeys = records }, snapshot.Revision);
    }

    private async Task<long> PutKeyAsync(
        string keyId, string policyId, AsymmetricAlgorithm key, int version, string action, string[] hostNames, Func<ManagedKeyRecord, ManagedKeyRecord>? edit = null)
    {
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        var policy = snapshot.FindPolicy(policyId) ?? throw new InvalidOperationException($"no policy {policyId}");
        using var policyKey = OpenPolicyKey(policy);
        var record = Record(snapshot, policy, policyKey, keyId, key, version, hostNames);
        record = edit is null ? record : edit(record);
        return await CommitAsync(new ChangeSet { Audit = Audit(action, "key/" + keyId), UpsertKeys = [record] }, snapshot.Revision);
    }

    private ManagedKeyRecord Record(
        ControlPlaneSnapshot snapshot, PolicyRecord policy, PolicyKey policyKey, string keyId, AsymmetricAlgorithm key, int version, string[] hostNames)
    {
        var pkcs8 = key.ExportPkcs8PrivateKey();
        var wrapped = PrivateKeyWrapping.Wrap(pkcs8, policyKey, new KeyWrapContext(keyId, policy.Id, policy.KeyGeneration, version));
        CryptographicOperations.ZeroMemory(pkcs8);
        var spki = key.ExportSubjectPublicKeyInfo();
        var now = _time.GetUtcNow();
        return new ManagedKeyRecord
        {
            KeyId = keyId,
            PolicyId = policy.Id,
            Version = version,
            Algorithm = key is RSA rsa ? $"rsa{rsa.KeySize}" : "ecdsa-p" + key.KeySize,
            SubjectPublicKeyInfo = spki,
            Ski = Ski(spki),
            CertDigest = key is RSA r ? CertDigest(r) : null,
            HostNames = [.. hostNames],
            PolicyKeyGeneration = policy.KeyGeneration,
            WrappedPrivateKey = wrapped,
            CreatedAt = snapshot.FindKey(keyId)?.CreatedAt ?? now,
            UpdatedAt = now,
        };
    }

    private PolicyKey OpenPolicyKey(PolicyRecord policy) =>
        PolicyKeyWrapping.Unwrap(policy.ControlPlaneCopy.Blob, ControlPlaneKey, new PolicyKeyContext(policy.Id, policy.KeyGeneration, ControlPlaneId));

    // As the control plane does: every permitted datacenter with a registered wrapping key gets a
    // copy (an existing one for the same registered key is kept byte for byte); a permitted
    // datacenter without a registered key is pending and gets none.
    private static ImmutableArray<WrappedPolicyKey> Copies(
        ControlPlaneSnapshot snapshot, PolicyKey policyKey, string policyId, int generation, ImmutableArray<string> permitted, ImmutableArray<WrappedPolicyKey> existing)
    {
        var copies = ImmutableArray.CreateBuilder<WrappedPolicyKey>();
        foreach (var datacenter in permitted)
        {
            if (snapshot.FindWrappingKey(datacenter) is not { } registered)
            {
                continue;
            }

            copies.Add(existing.FirstOrDefault(c => c.DatacenterId == datacenter && c.WrappingKeyFingerprint == registered.Fingerprint) ?? new WrappedPolicyKey
            {
                DatacenterId = datacenter,
                WrappingKeyFingerprint = registered.Fingerprint,
                Blob = PolicyKeyWrapping.WrapFor(policyKey, DatacenterPublicKey.Parse(registered.PublicKey), new PolicyKeyContext(policyId, generation, datacenter)),
            });
        }

        return copies.ToImmutable();
    }

    private static ImmutableArray<string> Permitted(ControlPlaneSnapshot snapshot, string text)
    {
        var topology = DatacenterTopology.Create(snapshot.Datacenters.Select(d => new Datacenter
        {
            Id = d.Id,
            Region = d.Region,
            Country = d.Country,
            Tier = d.Tier,
            Labels = d.Labels.ToImmutableSortedSet(StringComparer.Ordinal),
        }));
        return [.. PolicyEvaluator.Evaluate(PolicyParser.Parse(text), topology).PermittedIds];
    }

    private static byte[] CertDigest(RSA rsa)
    {
        var modulus = rsa.ExportParameters(false).Modulus!.AsSpan();
        while (modulus.Length > 0 && modulus[0] == 0)
        {
            modulus = modulus[1..];
        }

        return SHA256.HashData(Encoding.ASCII.GetBytes(Convert.ToHexString(modulus)));
    }

    private static AuditDraft Audit(string action, string subject) => new(Actor, action, subject, "{}");
}
