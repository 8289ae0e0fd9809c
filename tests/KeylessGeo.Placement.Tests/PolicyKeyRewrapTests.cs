namespace KeylessGeo.Placement.Tests;

/// <summary>
/// Changing a policy's datacenter set re-wraps only the policy key; rotating the policy key
/// (a new generation) re-wraps the private keys and locks out copies kept from before.
/// </summary>
public sealed class PolicyKeyRewrapTests
{
    private const string Policy = "eu-only";

    [Fact]
    public void RewrappingThePolicyKeyForANewDatacenterSet_LetsNewDatacentersOpenExistingPrivateKeyBlobs()
    {
        var datacenters = new[] { "fra1", "ams2", "cdg3", "waw4" }.ToDictionary(dc => dc, _ => DatacenterWrappingKey.Generate());
        var privateKeys = new[] { "key-1", "key-2" }.ToDictionary(id => id, _ => TestPrivateKeys.Create("ecdsa-p256"));
        using var policyKey = PolicyKey.Generate();

        // Policy v1 permits fra1 and ams2; the private keys are wrapped once, now.
        var blobs = privateKeys.ToDictionary(p => p.Key, p => PrivateKeyWrapping.Wrap(p.Value, policyKey, new KeyWrapContext(p.Key, Policy, 1, 1)));
        _ = WrapForAll(policyKey, 1, datacenters, "fra1", "ams2");
        var snapshot = blobs.ToDictionary(b => b.Key, b => (byte[])b.Value.Clone());

        // Policy v2 permits cdg3 and waw4: only the policy key is wrapped again, same generation.
        var copies = WrapForAll(policyKey, 1, datacenters, "cdg3", "waw4");

        foreach (var (dc, copy) in copies)
        {
            using var unwrapped = PolicyKeyWrapping.Unwrap(copy, datacenters[dc], new PolicyKeyContext(Policy, 1, dc));
            foreach (var (keyId, blob) in blobs)
            {
                Assert.Equal(privateKeys[keyId], PrivateKeyWrapping.Unwrap(blob, unwrapped, new KeyWrapContext(keyId, Policy, 1, 1)));
            }
        }

        // The private key blobs were not touched.
        Assert.All(blobs, b => Assert.Equal(snapshot[b.Key], b.Value));
        DisposeAll(datacenters);
    }

    [Fact]
    public void RemovedDatacenter_ThatKeptItsCopy_IsLockedOutOnlyOnceThePolicyKeyIsRotated()
    {
        var datacenters = new[] { "fra1", "ams2", "sfo1" }.ToDictionary(dc => dc, _ => DatacenterWrappingKey.Generate());
        var privateKey = TestPrivateKeys.Create("ed25519");
        using var generation3 = PolicyKey.Generate();
        var oldContext = new KeyWrapContext("key-42", Policy, 3, 1);
        var oldBlob = PrivateKeyWrapping.Wrap(privateKey, generation3, oldContext);

        // sfo1 was permitted under generation 3 and kept its copy after being removed.
        var keptCopy = WrapForAll(generation3, 3, datacenters, "sfo1")["sfo1"];
        using var kept = PolicyKeyWrapping.Unwrap(keptCopy, datacenters["sfo1"], new PolicyKeyContext(Policy, 3, "sfo1"));

        // Narrowing alone (deleting sfo1's copy) cannot take back a key it already unwrapped.
        Assert.Equal(privateKey, PrivateKeyWrapping.Unwrap(oldBlob, kept, oldContext));

        // Rotation: a new policy key generation, wrapped for the current set, and every private key re-wrapped.
        using var generation4 = PolicyKey.Generate();
        var newContext = oldContext with { PolicyKeyGeneration = 4 };
        var newBlob = PrivateKeyWrapping.Rewrap(oldBlob, generation3, oldContext, generation4, newContext);
        var copies = WrapForAll(generation4, 4, datacenters, "fra1", "ams2");

        Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(newBlob, kept, newContext));
        Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(newBlob, kept, oldContext));
        foreach (var (dc, copy) in copies)
        {
            using var current = PolicyKeyWrapping.Unwrap(copy, datacenters[dc], new PolicyKeyContext(Policy, 4, dc));
            Assert.Equal(privateKey, PrivateKeyWrapping.Unwrap(newBlob, current, newContext));
        }

        DisposeAll(datacenters);
    }

    [Fact]
    public void Rewrap_WithTheWrongOldPolicyKey_FailsAuthenticationAndProducesNothing()
    {
        using var policyKey = PolicyKey.Generate();
        using var wrongKey = PolicyKey.Generate();
        using var newKey = PolicyKey.Generate();
        var context = new KeyWrapContext("key-42", Policy, 3, 1);
        var blob = PrivateKeyWrapping.Wrap([1, 2, 3], policyKey, context);

        Assert.Throws<WrappedKeyAuthenticationException>(
            () => PrivateKeyWrapping.Rewrap(blob, wrongKey, context, newKey, context with { PolicyKeyGeneration = 4 }));
    }

    private static Dictionary<string, byte[]> WrapForAll(PolicyKey key, int generation, Dictionary<string, DatacenterWrappingKey> datacenters, params string[] permitted) =>
        permitted.ToDictionary(dc => dc, dc => PolicyKeyWrapping.WrapFor(key, datacenters[dc].Public, new PolicyKeyContext(Policy, generation, dc)));

    private static void DisposeAll(Dictionary<string, DatacenterWrappingKey> datacenters)
    {
        foreach (var key in datacenters.Values)
        {
            key.Dispose();
        }
    }
}
