namespace KeylessGeo.Placement.Tests;

public sealed class PolicyKeyWrappingTests
{
    [Fact]
    public void WrapFor_ThreeDatacenters_EachUnwrapsTheSamePolicyKey()
    {
        string[] datacenters = ["fra1", "ams2", "cdg3"];
        using var policyKey = PolicyKey.Generate();
        var marker = new KeyWrapContext("marker", "eu-only", 3, 1);
        var markerBlob = PrivateKeyWrapping.Wrap([1, 2, 3, 4], policyKey, marker);

        foreach (var dc in datacenters)
        {
            using var dcKey = DatacenterWrappingKey.Generate();
            var context = new PolicyKeyContext("eu-only", 3, dc);
            var blob = PolicyKeyWrapping.WrapFor(policyKey, DatacenterWrappingKey.ParsePublic(dcKey.PublicKey), context);

            using var unwrapped = PolicyKeyWrapping.Unwrap(blob, dcKey, context);

            // The unwrapped key is the same key: it opens a blob made with the original.
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, PrivateKeyWrapping.Unwrap(markerBlob, unwrapped, marker));
        }
    }

    [Fact]
    public void WrapFor_ProducesAVersionOneBlobOfTheDocumentedLength()
    {
        using var policyKey = PolicyKey.Generate();
        using var dcKey = DatacenterWrappingKey.Generate();

        var blob = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, new PolicyKeyContext("p", 0, "fra1"));

        Assert.Equal(126, blob.Length);
        Assert.Equal(PolicyKeyWrapping.BlobLength, blob.Length);
        Assert.Equal(1, blob[0]);
        Assert.Equal(0x04, blob[1]);
    }

    [Fact]
    public void WrapFor_SameKeyTwice_UsesFreshEphemeralKeyAndNonce()
    {
        using var policyKey = PolicyKey.Generate();
        using var dcKey = DatacenterWrappingKey.Generate();
        var context = new PolicyKeyContext("p", 1, "fra1");

        var first = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, context);
        var second = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, context);

        Assert.NotEqual(first, second);
    }
}
