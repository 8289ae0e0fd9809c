namespace KeylessGeo.Placement.Tests;

public sealed class WrongContextTests
{
    private static readonly PolicyKeyContext PolicyContext = new("eu-only", 3, "fra1");
    private static readonly KeyWrapContext KeyContext = new("key-42", "eu-only", 3, 2);

    public static TheoryData<PolicyKeyContext> WrongPolicyKeyContexts => new()
    {
        PolicyContext with { PolicyId = "us-only" },
        PolicyContext with { PolicyId = "eu-onl" },
        PolicyContext with { Generation = 2 },
        PolicyContext with { Generation = 4 },
        PolicyContext with { DatacenterId = "ams2" },
    };

    public static TheoryData<KeyWrapContext> WrongKeyContexts => new()
    {
        KeyContext with { KeyId = "key-43" },
        KeyContext with { PolicyId = "us-only" },
        KeyContext with { PolicyKeyGeneration = 2 },
        KeyContext with { KeyVersion = 1 },
        KeyContext with { KeyVersion = 3 },
    };

    [Theory]
    [MemberData(nameof(WrongPolicyKeyContexts))]
    public void UnwrapPolicyKey_UnderAnyOtherContext_FailsAuthentication(PolicyKeyContext wrong)
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        var blob = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, PolicyContext);

        var ex = Assert.Throws<WrappedKeyAuthenticationException>(() => PolicyKeyWrapping.Unwrap(blob, dcKey, wrong));

        Assert.Contains($"policy '{wrong.PolicyId}' generation {wrong.Generation}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"datacenter '{wrong.DatacenterId}''s wrapping key", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WrongKeyContexts))]
    public void UnwrapPrivateKey_UnderAnyOtherContext_FailsAuthentication(KeyWrapContext wrong)
    {
        using var policyKey = PolicyKey.Generate();
        var blob = PrivateKeyWrapping.Wrap(TestPrivateKeys.Create("ed25519"), policyKey, KeyContext);

        var ex = Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(blob, policyKey, wrong));

        Assert.Contains($"'{wrong.KeyId}' version {wrong.KeyVersion}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"policy '{wrong.PolicyId}' generation {wrong.PolicyKeyGeneration}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnwrapPolicyKey_OfDatacenterAsCopyPresentedAsDatacenterBsCopy_FailsAuthentication()
    {
        using var fra1 = DatacenterWrappingKey.Generate();
        using var ams2 = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        var fra1Copy = PolicyKeyWrapping.WrapFor(policyKey, fra1.Public, PolicyContext with { DatacenterId = "fra1" });

        // ams2 takes fra1's copy as its own: wrong recipient key and wrong datacenter in the context.
        Assert.Throws<WrappedKeyAuthenticationException>(
            () => PolicyKeyWrapping.Unwrap(fra1Copy, ams2, PolicyContext with { DatacenterId = "ams2" }));

        // Even naming fra1 as the datacenter does not help without fra1's private wrapping key.
        Assert.Throws<WrappedKeyAuthenticationException>(
            () => PolicyKeyWrapping.Unwrap(fra1Copy, ams2, PolicyContext with { DatacenterId = "fra1" }));
    }

    [Fact]
    public void UnwrapPolicyKey_WrappedToDatacenterAButLabelledB_FailsAuthenticationForTheRightKeyToo()
    {
        // A store row that says "ams2" but holds a copy made for fra1 is refused even by fra1's key
        // when fra1 presents its own id: the datacenter id is bound, not just the recipient key.
        using var fra1 = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        var mislabelled = PolicyKeyWrapping.WrapFor(policyKey, fra1.Public, PolicyContext with { DatacenterId = "ams2" });

        Assert.Throws<WrappedKeyAuthenticationException>(
            () => PolicyKeyWrapping.Unwrap(mislabelled, fra1, PolicyContext with { DatacenterId = "fra1" }));
    }

    [Fact]
    public void UnwrapPrivateKey_WithFieldsShiftedBetweenIds_FailsAuthentication()
    {
        // Length-prefixed associated data: ("ab", "c") and ("a", "bc") are different contexts.
        using var policyKey = PolicyKey.Generate();
        var blob = PrivateKeyWrapping.Wrap([1, 2, 3], policyKey, new KeyWrapContext("ab", "c", 1, 1));

        Assert.Throws<WrappedKeyAuthenticationException>(
            () => PrivateKeyWrapping.Unwrap(blob, policyKey, new KeyWrapContext("a", "bc", 1, 1)));
    }
}
