namespace KeylessGeo.Placement.Tests;

public sealed class DisposalTests
{
    [Fact]
    public void PolicyKey_AfterDispose_IsZeroedAndRefusesUse()
    {
        var policyKey = PolicyKey.Generate();
        using var dcKey = DatacenterWrappingKey.Generate();

        policyKey.Dispose();

        Assert.Throws<ObjectDisposedException>(() => PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, new PolicyKeyContext("p", 1, "d")));
        Assert.Throws<ObjectDisposedException>(() => PrivateKeyWrapping.Wrap([1], policyKey, new KeyWrapContext("k", "p", 1, 1)));
    }

    [Fact]
    public void PolicyKey_Dispose_ZeroesTheKeyBytes()
    {
        var policyKey = PolicyKey.Generate();
        var bytes = policyKey.Bytes.ToArray();
        var storage = GetStorage(policyKey);
        Assert.Equal(bytes, storage);

        policyKey.Dispose();

        Assert.All(storage, b => Assert.Equal(0, b));
    }

    [Fact]
    public void DatacenterWrappingKey_AfterDispose_RefusesToUnwrap()
    {
        var dcKey = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        var context = new PolicyKeyContext("p", 1, "d");
        var blob = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, context);

        dcKey.Dispose();

        Assert.Throws<ObjectDisposedException>(() => PolicyKeyWrapping.Unwrap(blob, dcKey, context));
    }

    [Fact]
    public void PolicyKey_ToString_RevealsNothing()
    {
        using var policyKey = PolicyKey.Generate();

        Assert.Equal("PolicyKey (secret)", policyKey.ToString());
    }

    // The private backing array, so the test sees the very bytes Dispose must zero.
    private static byte[] GetStorage(PolicyKey key) =>
        (byte[])typeof(PolicyKey).GetField("_key", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(key)!;
}
