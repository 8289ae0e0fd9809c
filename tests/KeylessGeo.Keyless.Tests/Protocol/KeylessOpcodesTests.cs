using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Tests.Protocol;

public sealed class KeylessOpcodesTests
{
    // The request opcodes of the specification's table.
    private static readonly byte[] RequestOpcodes =
    [
        0x01, 0x08, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x35, 0x36, 0x37,
        0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x21, 0x22, 0x23, 0x24, 0xF1,
    ];

    [Fact]
    public void IsKnownRequest_IsTrueExactlyForTheTablesRequestOpcodes()
    {
        for (var value = 0; value <= 0xFF; value++)
        {
            Assert.Equal(RequestOpcodes.Contains((byte)value), KeylessOpcodes.IsKnownRequest((KeylessOpcode)value));
        }
    }

    [Fact]
    public void IsResponse_IsTrueExactlyForF0F2AndFF()
    {
        for (var value = 0; value <= 0xFF; value++)
        {
            Assert.Equal(value is 0xF0 or 0xF2 or 0xFF, KeylessOpcodes.IsResponse((KeylessOpcode)value));
        }
    }

    [Fact]
    public void Pong_IsF2()
    {
        Assert.Equal(0xF1, (byte)KeylessOpcode.Ping);
        Assert.Equal(0xF2, (byte)KeylessOpcode.Pong);
        Assert.Equal(0xF0, (byte)KeylessOpcode.Response);
        Assert.Equal(0xFF, (byte)KeylessOpcode.Error);
    }

    [Fact]
    public void Answers_APingOnlyWithPongOrError_AndEveryOtherRequestOnlyWithResponseOrError()
    {
        foreach (var request in RequestOpcodes.Select(value => (KeylessOpcode)value))
        {
            for (var value = 0; value <= 0xFF; value++)
            {
                var response = (KeylessOpcode)value;
                var expected = request == KeylessOpcode.Ping
                    ? value is 0xF2 or 0xFF
                    : value is 0xF0 or 0xFF;
                Assert.True(expected == KeylessOpcodes.Answers(request, response), $"request 0x{(byte)request:X2}, response 0x{value:X2}");
            }
        }
    }

    [Fact]
    public void EveryDefinedOpcode_IsARequestOrAResponse()
    {
        var defined = Enum.GetValues<KeylessOpcode>();

        Assert.Equal(RequestOpcodes.Length + 3, defined.Length);
        Assert.All(defined, op => Assert.True(KeylessOpcodes.IsKnownRequest(op) ^ KeylessOpcodes.IsResponse(op)));
    }

    [Fact]
    public void Classifiers_SortTheOperations()
    {
        Assert.True(KeylessOpcodes.IsRsa(KeylessOpcode.RsaDecryptRaw));
        Assert.True(KeylessOpcodes.IsRsa(KeylessOpcode.RsaPssSignSha512));
        Assert.False(KeylessOpcodes.IsRsa(KeylessOpcode.EcdsaSignSha256));
        Assert.True(KeylessOpcodes.IsEcdsa(KeylessOpcode.EcdsaSignMd5Sha1));
        Assert.False(KeylessOpcodes.IsEcdsa(KeylessOpcode.Ed25519Sign));
        Assert.True(KeylessOpcodes.IsOptional(KeylessOpcode.CustomFunction));
        Assert.False(KeylessOpcodes.IsOptional(KeylessOpcode.Ping));
    }

    [Fact]
    public void Errors_HaveTheTablesCodes()
    {
        Assert.Equal(Enumerable.Range(1, 11).Select(v => (KeylessError)v), Enum.GetValues<KeylessError>());
        Assert.Equal(0x04, (byte)KeylessError.VersionMismatch);
        Assert.Equal(0x07, (byte)KeylessError.FormatError);
        Assert.Equal(0x0B, (byte)KeylessError.RemoteConfigurationError);
    }

    [Fact]
    public void Tags_HaveTheTablesValues()
    {
        Assert.Equal(
            new byte[] { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x11, 0x12, 0x13, 0x14, 0x15, 0x20 },
            Enum.GetValues<KeylessTag>().Select(t => (byte)t));
    }
}
