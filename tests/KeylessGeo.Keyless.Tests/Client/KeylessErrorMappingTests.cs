using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>The one wire-error mapping, checked for every possible byte.</summary>
public sealed class KeylessErrorMappingTests
{
    [Fact]
    public void ToErrorCode_MapsEveryWireErrorByteAsDocumented()
    {
        for (var value = 0; value <= 255; value++)
        {
            var expected = value switch
            {
                0x01 => ErrorCode.CryptoFailure,
                0x02 or 0x09 => ErrorCode.KeyNotFound,
                0x03 or 0x08 => ErrorCode.Internal,
                0x04 => ErrorCode.Unavailable,
                0x05 or 0x06 or 0x07 or 0x0A => ErrorCode.BadRequest,
                0x0B => ErrorCode.PolicyDenied,
                _ => ErrorCode.Internal,
            };

            Assert.Equal(expected, KeylessErrorMapping.ToErrorCode((KeylessError)value));
        }
    }

    [Fact]
    public void ToErrorCode_NeverReportsATransientFaultAsKeyNotFound()
    {
        Assert.NotEqual(ErrorCode.KeyNotFound, KeylessErrorMapping.ToErrorCode(KeylessError.ReadError));
        Assert.NotEqual(ErrorCode.KeyNotFound, KeylessErrorMapping.ToErrorCode(KeylessError.InternalError));
        Assert.NotEqual(ErrorCode.KeyNotFound, KeylessErrorMapping.ToErrorCode(KeylessError.RemoteConfigurationError));
    }

    [Fact]
    public void Describe_NamesTheWireByteForEveryValue()
    {
        for (var value = 0; value <= 255; value++)
        {
            Assert.Contains($"0x{value:X2}", KeylessErrorMapping.Describe((KeylessError)value), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromWireError_KeepsTheWireByteAndMarksTheRequestAsHavingReachedTheServer()
    {
        var result = KeylessResult.FromWireError(KeylessError.CertificateNotFound);

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCode.KeyNotFound, result.Code);
        Assert.Equal(KeylessError.CertificateNotFound, result.WireError);
        Assert.True(result.MayHaveReachedServer);
        Assert.True(result.Value.IsEmpty);
    }
}
