using KeylessGeo.Cli.Commands;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Cli.Tests;

public sealed class OperationNamesTests
{
    [Theory]
    [InlineData("EcdsaSha256", Operation.EcdsaSha256)]
    [InlineData("ecdsa-sha256", Operation.EcdsaSha256)]
    [InlineData("OPERATION_ECDSA_SHA256", Operation.EcdsaSha256)]
    [InlineData("rsa_pss_sha384", Operation.RsaPssSha384)]
    [InlineData("RsaDecryptRaw", Operation.RsaDecryptRaw)]
    [InlineData("ed25519", Operation.Ed25519)]
    public void Parse_AcceptsTheSpellingsOperatorsUse(string text, Operation expected) => Assert.Equal(expected, OperationNames.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("unspecified")]
    [InlineData("ecdsa-sha999")]
    public void Parse_WhenNothingMatches_ReturnsNull(string text) => Assert.Null(OperationNames.Parse(text));

    [Fact]
    public void Payload_ForMd5Sha1_IsTheMd5DigestFollowedByTheSha1Digest()
    {
        var payload = SignPayload.FromInput(Operation.RsaPkcs1Md5Sha1, "abc"u8.ToArray());

        Assert.Equal(36, payload.Length);
        Assert.Equal(System.Security.Cryptography.MD5.HashData("abc"u8), payload[..16]);
    }

    [Fact]
    public void Payload_ForSha224_AsksForTheDigestExplicitly()
    {
        var error = Assert.Throws<ArgumentException>(() => SignPayload.FromInput(Operation.EcdsaSha224, [1]));

        Assert.Contains("--payload-hex", error.Message, StringComparison.Ordinal);
    }
}
