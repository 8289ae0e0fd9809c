namespace KeylessGeo.Placement.Tests;

public sealed class AssociatedDataTests
{
    [Fact]
    public void ForPolicyKey_EncodesLengthPrefixedFieldsAsDocumented()
    {
        var bytes = AssociatedData.ForPolicyKey(new PolicyKeyContext("eu-only", 3, "fra1"));

        Assert.Equal(
            "0000001d" + Hex("keylessgeo policy-key wrap v1")
            + "00000007" + Hex("eu-only")
            + "00000004" + "00000003"
            + "00000004" + Hex("fra1"),
            Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void ForPrivateKey_EncodesLengthPrefixedFieldsAsDocumented()
    {
        var bytes = AssociatedData.ForPrivateKey(new KeyWrapContext("key-42", "eu-only", 3, 2));

        Assert.Equal(
            "0000001e" + Hex("keylessgeo private-key wrap v1")
            + "00000006" + Hex("key-42")
            + "00000007" + Hex("eu-only")
            + "00000004" + "00000003"
            + "00000004" + "00000002",
            Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void ForPrivateKey_OfIdsThatConcatenateAlike_Differs()
    {
        var left = AssociatedData.ForPrivateKey(new KeyWrapContext("ab", "c", 1, 1));
        var right = AssociatedData.ForPrivateKey(new KeyWrapContext("a", "bc", 1, 1));

        Assert.NotEqual(left, right);
    }

    [Fact]
    public void ForPolicyKey_EncodesNonAsciiIdsAsUtf8()
    {
        var bytes = AssociatedData.ForPolicyKey(new PolicyKeyContext("zürich", 0, "zrh1"));

        Assert.Contains("00000007" + Hex("zürich"), Convert.ToHexStringLower(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Contexts_OfTheTwoBlobKinds_NeverShareAssociatedData()
    {
        var policy = AssociatedData.ForPolicyKey(new PolicyKeyContext("p", 1, "d"));
        var key = AssociatedData.ForPrivateKey(new KeyWrapContext("p", "d", 1, 1));

        Assert.NotEqual(policy.AsSpan(0, 33).ToArray(), key.AsSpan(0, 33).ToArray());
    }

    private static string Hex(string text) => Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(text));
}
