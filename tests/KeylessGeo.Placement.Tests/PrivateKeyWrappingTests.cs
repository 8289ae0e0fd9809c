namespace KeylessGeo.Placement.Tests;

public sealed class PrivateKeyWrappingTests
{
    [Theory]
    [MemberData(nameof(TestPrivateKeys.Algorithms), MemberType = typeof(TestPrivateKeys))]
    public void Unwrap_OfAWrappedPrivateKey_ReturnsTheOriginalPkcs8(string algorithm)
    {
        var pkcs8 = TestPrivateKeys.Create(algorithm);
        using var policyKey = PolicyKey.Generate();
        var context = new KeyWrapContext("key-42", "eu-only", 3, 2);

        var blob = PrivateKeyWrapping.Wrap(pkcs8, policyKey, context);
        var unwrapped = PrivateKeyWrapping.Unwrap(blob, policyKey, context);

        Assert.Equal(pkcs8, unwrapped);
        Assert.Equal(pkcs8.Length + PrivateKeyWrapping.Overhead, blob.Length);
        Assert.Equal(1, blob[0]);
    }

    [Fact]
    public void Wrap_DoesNotLeaveThePlaintextInTheBlob()
    {
        var pkcs8 = TestPrivateKeys.Create("ecdsa-p256");
        using var policyKey = PolicyKey.Generate();

        var blob = PrivateKeyWrapping.Wrap(pkcs8, policyKey, new KeyWrapContext("k", "p", 0, 0));

        Assert.Equal(-1, blob.AsSpan().IndexOf(pkcs8.AsSpan(pkcs8.Length - 32)));
    }

    [Fact]
    public void Wrap_OfAnEmptyKey_IsRejected()
    {
        using var policyKey = PolicyKey.Generate();

        Assert.Throws<ArgumentException>(() => PrivateKeyWrapping.Wrap([], policyKey, new KeyWrapContext("k", "p", 0, 0)));
    }
}
