namespace KeylessGeo.Placement.Tests;

public sealed class TamperingTests
{
    private static readonly PolicyKeyContext PolicyContext = new("eu-only", 3, "fra1");
    private static readonly KeyWrapContext KeyContext = new("key-42", "eu-only", 3, 1);

    // One flipped bit, then every bit of the byte.
    private static readonly byte[] Masks = [0x01, 0xFF];

    [Fact]
    public void UnwrapPolicyKey_WithAnySingleByteFlipped_FailsWithAuthenticationOrMalformed()
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        var blob = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, PolicyContext);

        foreach (var mask in Masks)
        {
            for (var position = 0; position < blob.Length; position++)
            {
                var tampered = Flip(blob, position, mask);
                var ex = Record.Exception(() => PolicyKeyWrapping.Unwrap(tampered, dcKey, PolicyContext).Dispose());
                AssertRefused(ex, position);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestPrivateKeys.Algorithms), MemberType = typeof(TestPrivateKeys))]
    public void UnwrapPrivateKey_WithAnySingleByteFlipped_FailsWithAuthenticationOrMalformed(string algorithm)
    {
        using var policyKey = PolicyKey.Generate();
        var blob = PrivateKeyWrapping.Wrap(TestPrivateKeys.Create(algorithm), policyKey, KeyContext);

        foreach (var mask in Masks)
        {
            for (var position = 0; position < blob.Length; position++)
            {
                var tampered = Flip(blob, position, mask);
                var ex = Record.Exception(() => PrivateKeyWrapping.Unwrap(tampered, policyKey, KeyContext));
                AssertRefused(ex, position);
            }
        }
    }

    [Fact]
    public void UnwrapPolicyKey_TruncatedAtEveryLength_FailsAsMalformed()
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        var blob = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, PolicyContext);

        for (var length = 0; length < blob.Length; length++)
        {
            var truncated = blob[..length];
            Assert.Throws<MalformedBlobException>(() => PolicyKeyWrapping.Unwrap(truncated, dcKey, PolicyContext));
        }
    }

    [Fact]
    public void UnwrapPrivateKey_TruncatedAtEveryLength_FailsCleanly()
    {
        using var policyKey = PolicyKey.Generate();
        var blob = PrivateKeyWrapping.Wrap(TestPrivateKeys.Create("ecdsa-p256"), policyKey, KeyContext);

        for (var length = 0; length < blob.Length; length++)
        {
            var truncated = blob[..length];
            var ex = Record.Exception(() => PrivateKeyWrapping.Unwrap(truncated, policyKey, KeyContext));
            AssertRefused(ex, length);
            if (length <= PrivateKeyWrapping.Overhead)
            {
                Assert.IsType<MalformedBlobException>(ex);
            }
        }
    }

    [Fact]
    public void Unwrap_WithATrailingByteAppended_Fails()
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        byte[] policyBlob = [.. PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, PolicyContext), 0];
        byte[] keyBlob = [.. PrivateKeyWrapping.Wrap([1, 2, 3], policyKey, KeyContext), 0];

        Assert.Throws<MalformedBlobException>(() => PolicyKeyWrapping.Unwrap(policyBlob, dcKey, PolicyContext));
        Assert.Throws<WrappedKeyAuthenticationException>(() => PrivateKeyWrapping.Unwrap(keyBlob, policyKey, KeyContext));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void Unwrap_OfAnUnknownFormatVersion_FailsAsMalformedNamingTheVersion(byte version)
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        var policyBlob = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, PolicyContext);
        var keyBlob = PrivateKeyWrapping.Wrap([1, 2, 3], policyKey, KeyContext);
        policyBlob[0] = version;
        keyBlob[0] = version;

        var policyError = Assert.Throws<MalformedBlobException>(() => PolicyKeyWrapping.Unwrap(policyBlob, dcKey, PolicyContext));
        var keyError = Assert.Throws<MalformedBlobException>(() => PrivateKeyWrapping.Unwrap(keyBlob, policyKey, KeyContext));

        Assert.Contains($"format version {version}", policyError.Message, StringComparison.Ordinal);
        Assert.Contains($"format version {version}", keyError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnwrapPolicyKey_WithAnEphemeralPointOffTheCurve_FailsAsMalformed()
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        using var policyKey = PolicyKey.Generate();
        var blob = PolicyKeyWrapping.WrapFor(policyKey, dcKey.Public, PolicyContext);
        Array.Fill(blob, (byte)0xFF, 34, 32); // y = 2^256 - 1 is not even a field element

        var ex = Assert.Throws<MalformedBlobException>(() => PolicyKeyWrapping.Unwrap(blob, dcKey, PolicyContext));

        Assert.Contains("not a P-256 point", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Flip(byte[] blob, int position, byte mask)
    {
        var copy = (byte[])blob.Clone();
        copy[position] ^= mask;
        return copy;
    }

    private static void AssertRefused(Exception? ex, int position)
    {
        Assert.True(
            ex is WrappedKeyAuthenticationException or MalformedBlobException,
            $"byte {position}: expected an authentication or malformed-blob failure, got {ex?.GetType().Name ?? "a successful unwrap"}");
    }
}
