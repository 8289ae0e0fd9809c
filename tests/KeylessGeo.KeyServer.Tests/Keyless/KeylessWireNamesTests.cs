using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>Metric tag values for opcodes and wire errors.</summary>
public sealed class KeylessWireNamesTests
{
    [Theory]
    [InlineData(KeylessOpcode.EcdsaSignSha256, "ECDSA_SIGN_SHA256")]
    [InlineData(KeylessOpcode.RsaSignMd5Sha1, "RSA_SIGN_MD5_SHA1")]
    [InlineData(KeylessOpcode.Ed25519Sign, "ED25519_SIGN")]
    [InlineData(KeylessOpcode.RsaPssSignSha384, "RSA_PSS_SIGN_SHA384")]
    [InlineData(KeylessOpcode.Ping, "PING")]
    [InlineData((KeylessOpcode)0x99, "UNKNOWN")]
    public void Of_Opcode_IsUpperSnakeCase_AndBounded(KeylessOpcode opcode, string expected)
    {
        Assert.Equal(expected, KeylessWireNames.Of(opcode));
    }

    [Theory]
    [InlineData(KeylessError.KeyNotFound, "KEY_NOT_FOUND")]
    [InlineData(KeylessError.RemoteConfigurationError, "REMOTE_CONFIGURATION_ERROR")]
    [InlineData((KeylessError)0x77, "UNKNOWN")]
    public void Of_Error_IsUpperSnakeCase_AndBounded(KeylessError error, string expected)
    {
        Assert.Equal(expected, KeylessWireNames.Of(error));
    }

    [Fact]
    public void Of_Nothing_IsNoneOrOk()
    {
        Assert.Equal("NONE", KeylessWireNames.Of((KeylessOpcode?)null));
        Assert.Equal("OK", KeylessWireNames.Of((KeylessError?)null));
    }
}
