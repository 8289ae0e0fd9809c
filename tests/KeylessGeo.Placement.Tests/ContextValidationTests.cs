namespace KeylessGeo.Placement.Tests;

public sealed class ContextValidationTests
{
    public static TheoryData<PolicyKeyContext, string> InvalidPolicyKeyContexts => new()
    {
        { new PolicyKeyContext("", 1, "fra1"), "PolicyId" },
        { new PolicyKeyContext(null!, 1, "fra1"), "PolicyId" },
        { new PolicyKeyContext("eu-only", -1, "fra1"), "Generation" },
        { new PolicyKeyContext("eu-only", 1, ""), "DatacenterId" },
        { new PolicyKeyContext("eu-\ud800only", 1, "fra1"), "PolicyId" },
    };

    public static TheoryData<KeyWrapContext, string> InvalidKeyContexts => new()
    {
        { new KeyWrapContext("", "eu-only", 1, 1), "KeyId" },
        { new KeyWrapContext("key-42", "", 1, 1), "PolicyId" },
        { new KeyWrapContext("key-42", "eu-only", -1, 1), "PolicyKeyGeneration" },
        { new KeyWrapContext("key-42", "eu-only", 1, -1), "KeyVersion" },
        { new KeyWrapContext("key-\udc00", "eu-only", 1, 1), "KeyId" },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicyKeyContexts))]
    public void WrapFor_WithAnInvalidContext_IsRejectedNamingTheField(PolicyKeyContext context, string field)
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();

        var ex = Assert.ThrowsAny<ArgumentException>(() => PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, context));

        Assert.Equal(field, ex.ParamName);
    }

    [Theory]
    [MemberData(nameof(InvalidKeyContexts))]
    public void Wrap_WithAnInvalidContext_IsRejectedNamingTheField(KeyWrapContext context, string field)
    {
        using var policyKey = PolicyKey.Generate();

        var ex = Assert.ThrowsAny<ArgumentException>(() => PrivateKeyWrapping.Wrap([1], policyKey, context));

        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void Contexts_DescribeThemselvesWithoutSecrets()
    {
        Assert.Equal("policy 'eu-only' generation 3 for datacenter 'fra1'", new PolicyKeyContext("eu-only", 3, "fra1").ToString());
        Assert.Equal(
            "key 'key-42' version 2 (policy 'eu-only', policy key generation 3)",
            new KeyWrapContext("key-42", "eu-only", 3, 2).ToString());
    }
}
