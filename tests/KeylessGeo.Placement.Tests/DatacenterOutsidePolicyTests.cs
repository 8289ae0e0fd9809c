namespace KeylessGeo.Placement.Tests;

/// <summary>The acceptance test of issue 4: placement is enforced by encryption, not by a check.</summary>
public sealed class DatacenterOutsidePolicyTests
{
    [Fact]
    public void DatacenterOutsidePolicy_GivenEveryBlob_CannotRecoverKey()
    {
        // Policy eu-only permits fra1, ams2 and cdg3; sfo1 is outside it.
        string[] permitted = ["fra1", "ams2", "cdg3"];
        var permittedKeys = permitted.ToDictionary(dc => dc, _ => DatacenterWrappingKey.Generate());
        using var outsider = DatacenterWrappingKey.Generate();
        var privateKey = TestPrivateKeys.Create("ecdsa-p256");
        var keyContext = new KeyWrapContext("key-42", "eu-only", 3, 1);

        Dictionary<string, byte[]> policyKeyCopies;
        byte[] wrappedPrivateKey;
        using (var policyKey = PolicyKey.Generate())
        {
            policyKeyCopies = permitted.ToDictionary(
                dc => dc,
                dc => PolicyKeyWrapping.WrapFor(policyKey, permittedKeys[dc].Public, new PolicyKeyContext("eu-only", 3, dc)));
            wrappedPrivateKey = PrivateKeyWrapping.Wrap(privateKey, policyKey, keyContext);
        }

        // sfo1 has every blob. It tries each policy-key copy with its own wrapping key, both under
        // the context the copy was made for and claiming the copy is its own.
        foreach (var (dc, copy) in policyKeyCopies)
        {
            foreach (var claimedDc in new[] { dc, "sfo1" })
            {
                var context = new PolicyKeyContext("eu-only", 3, claimedDc);
                var ex = Assert.Throws<WrappedKeyAuthenticationException>(() => PolicyKeyWrapping.Unwrap(copy, outsider, context));
                Assert.Contains("authentication failed", ex.Message, StringComparison.Ordinal);
            }
        }

        // The wrapped private key is not a policy-key blob: its own wrapping key gets no purchase on it.
        Assert.ThrowsAny<PlacementException>(() => PolicyKeyWrapping.Unwrap(wrappedPrivateKey, outsider, new PolicyKeyContext("eu-only", 3, "sfo1")));

        // Neither does the policy key of a policy that does permit sfo1, nor a guessed policy key.
        using var ownPolicyKey = PolicyKey.Generate();
        var ownCopy = PolicyKeyWrapping.WrapFor(ownPolicyKey, outsider.Public, new PolicyKeyContext("us-only", 3, "sfo1"));
        using var ownUnwrapped = PolicyKeyWrapping.Unwrap(ownCopy, outsider, new PolicyKeyContext("us-only", 3, "sfo1"));
        Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(wrappedPrivateKey, ownUnwrapped, keyContext));
        using var guessed = PolicyKey.Generate();
        Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(wrappedPrivateKey, guessed, keyContext));

        // Every permitted datacenter, by contrast, recovers the key from the same blobs.
        foreach (var (dc, copy) in policyKeyCopies)
        {
            using var unwrapped = PolicyKeyWrapping.Unwrap(copy, permittedKeys[dc], new PolicyKeyContext("eu-only", 3, dc));
            Assert.Equal(privateKey, PrivateKeyWrapping.Unwrap(wrappedPrivateKey, unwrapped, keyContext));
            permittedKeys[dc].Dispose();
        }
    }
}
