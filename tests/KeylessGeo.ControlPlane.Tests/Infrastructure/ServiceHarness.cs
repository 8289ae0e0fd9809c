using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Policies;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Topology;
using KeylessGeo.Placement;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The service layer over an in-memory store, a control-plane wrapping key in a temporary
/// directory and a generated wrapping key pair per test datacenter (their private halves play the
/// keyservers of each datacenter).
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    public const string Actor = "alice@test";

    private readonly Dictionary<string, DatacenterWrappingKey> _datacenterKeys = new(StringComparer.Ordinal);

    public ServiceHarness(int minimumPermittedDatacenters = 1, int changeRetention = InMemoryControlPlaneStore.ChangeRetention)
    {
        Time = new ManualTimeProvider();
        Store = new InMemoryControlPlaneStore(Time, changeRetention);
        Keyring = ControlPlaneKeyring.LoadOrCreate(Directory.File("control-plane.key"), out _);
        Services = ControlPlaneServices.Create(Store, Keyring, new ControlPlaneServiceOptions { MinimumPermittedDatacenters = minimumPermittedDatacenters }, Time);
    }

    public TempDirectory Directory { get; } = new();

    public ManualTimeProvider Time { get; }

    public InMemoryControlPlaneStore Store { get; }

    public ControlPlaneKeyring Keyring { get; }

    public ControlPlaneServices Services { get; }

    /// <summary>The wrapping key pair of datacenter <paramref name="id"/> (generated on first use).</summary>
    public DatacenterWrappingKey DatacenterKey(string id)
    {
        if (!_datacenterKeys.TryGetValue(id, out var key))
        {
            key = DatacenterWrappingKey.Generate();
            _datacenterKeys[id] = key;
        }

        return key;
    }

    /// <summary>Sets the test topology and registers every datacenter's wrapping key (unless <paramref name="register"/> is false).</summary>
    public async Task SetUpAsync(bool register = true)
    {
        await Services.Topology.ReplaceAsync(Actor, TopologyReplacement.FromJson(TestTopology.Json), CancellationToken.None);
        if (register)
        {
            foreach (var id in TestTopology.Ids)
            {
                await RegisterAsync(id);
            }
        }
    }

    public Task<WrappingKeyRegistration> RegisterAsync(string datacenter) =>
        Services.WrappingKeys.RegisterAsync(Actor, datacenter, System.Security.Cryptography.PemEncoding.WriteString("PUBLIC KEY", DatacenterKey(datacenter).PublicKey), CancellationToken.None);

    public Task<PolicyChange> CreatePolicyAsync(string id, string text, bool force = false) =>
        Services.Policies.CreateAsync(Actor, new PolicyRequest { Id = id, Policy = PolicyInput.FromText(text), Comment = "test", Force = force }, CancellationToken.None);

    public Task<PolicyChange> UpdatePolicyAsync(string id, string text, bool force = false) =>
        Services.Policies.UpdateAsync(Actor, new PolicyRequest { Id = id, Policy = PolicyInput.FromText(text), Comment = "test update", Force = force }, CancellationToken.None);

    public async Task<KeylessGeo.ControlPlane.Keys.KeyChange> ImportAsync(string keyId, string policy, string pem, string? passphrase = null, string? certificate = null, params string[] hosts)
    {
        using var material = TestKeys.Material(pem, passphrase);
        return await Services.Keys.ImportAsync(Actor, new KeylessGeo.ControlPlane.Keys.ImportKeyRequest { KeyId = keyId, PolicyId = policy, PrivateKey = material, CertificatePem = certificate, HostNames = [.. hosts] }, CancellationToken.None);
    }

    public Task<ControlPlaneSnapshot> SnapshotAsync() => Store.ReadSnapshotAsync(CancellationToken.None);

    public Task<StoreState> CaptureAsync() => StoreState.CaptureAsync(Store);

    /// <summary>What a keyserver in <paramref name="datacenter"/> does: open its copy of the policy key with its own wrapping key.</summary>
    public PolicyKey OpenPolicyKeyAs(string datacenter, PolicyRecord policy, WrappedPolicyKey copy) =>
        PolicyKeyWrapping.Unwrap(copy.Blob, DatacenterKey(datacenter), new PolicyKeyContext(policy.Id, policy.KeyGeneration, copy.DatacenterId));

    /// <summary>The full unwrap chain a keyserver in <paramref name="datacenter"/> runs: its policy-key copy, then the key's blob.</summary>
    public async Task<byte[]> RecoverPrivateKeyAsync(string datacenter, string keyId)
    {
        var snapshot = await SnapshotAsync();
        var key = snapshot.FindKey(keyId)!;
        var policy = snapshot.FindPolicy(key.PolicyId)!;
        var copy = policy.WrappedKeys.Single(c => c.DatacenterId == datacenter);
        using var policyKey = OpenPolicyKeyAs(datacenter, policy, copy);
        return PrivateKeyWrapping.Unwrap(key.WrappedPrivateKey, policyKey, new KeyWrapContext(key.KeyId, key.PolicyId, key.PolicyKeyGeneration, key.Version));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _datacenterKeys.Values)
        {
            key.Dispose();
        }

        Keyring.Dispose();
        await Store.DisposeAsync();
        Directory.Dispose();
    }
}
