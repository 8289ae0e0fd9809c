using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>The one mapping from core error codes to Keyless wire errors.</summary>
public sealed class KeylessErrorMapTests
{
    /// <summary>The intended answer for every core error code; a new code must be added here.</summary>
    private static readonly Dictionary<ErrorCode, KeylessError> Expected = new()
    {
        [ErrorCode.Unspecified] = KeylessError.InternalError,
        [ErrorCode.KeyNotFound] = KeylessError.KeyNotFound,
        [ErrorCode.PolicyDenied] = KeylessError.RemoteConfigurationError,
        [ErrorCode.Overloaded] = KeylessError.InternalError,
        [ErrorCode.BadRequest] = KeylessError.FormatError,
        [ErrorCode.CryptoFailure] = KeylessError.CryptographyFailure,
        [ErrorCode.Internal] = KeylessError.InternalError,
        [ErrorCode.DeadlineExceeded] = KeylessError.InternalError,
        [ErrorCode.Unavailable] = KeylessError.InternalError,
    };

    public static TheoryData<ErrorCode> EveryErrorCode()
    {
        var data = new TheoryData<ErrorCode>();
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            data.Add(code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryErrorCode))]
    public void Map_CoversEveryErrorCode_WithItsIntendedWireError(ErrorCode code)
    {
        Assert.True(Expected.TryGetValue(code, out var expected), $"{code} has no intended Keyless error; decide one and add it to the map and this table");
        Assert.Equal(expected, KeylessErrorMap.Map(code));
    }

    [Fact]
    public void Map_NeverAnswersKeyNotFound_ForATransientFailure()
    {
        foreach (var code in new[] { ErrorCode.Internal, ErrorCode.Overloaded, ErrorCode.DeadlineExceeded, ErrorCode.Unavailable })
        {
            Assert.Equal(KeylessError.InternalError, KeylessErrorMap.Map(code));
        }
    }

    [Fact]
    public void Map_OfBadRequestCausedByTheKeyType_IsCryptographyFailure()
    {
        Assert.Equal(KeylessError.CryptographyFailure, KeylessErrorMap.Map(ErrorCode.BadRequest, operationNotSupportedByKey: true));
    }

    [Fact]
    public void Map_IgnoresTheKeyTypeFlag_ForOtherCodes()
    {
        Assert.Equal(KeylessError.KeyNotFound, KeylessErrorMap.Map(ErrorCode.KeyNotFound, operationNotSupportedByKey: true));
        Assert.Equal(KeylessError.InternalError, KeylessErrorMap.Map(ErrorCode.Internal, operationNotSupportedByKey: true));
    }

    [Fact]
    public void Map_OfACodeNewerThanTheListener_IsInternalError()
    {
        Assert.Equal(KeylessError.InternalError, KeylessErrorMap.Map((ErrorCode)99));
    }

    [Theory]
    [InlineData(KeylessFrameStatus.UnsupportedVersion, KeylessError.VersionMismatch)]
    [InlineData(KeylessFrameStatus.BodyTooLong, KeylessError.FormatError)]
    public void ForFraming_AnswersTheProtocolsError(KeylessFrameStatus status, KeylessError expected)
    {
        Assert.Equal(expected, KeylessErrorMap.ForFraming(status));
    }

    [Fact]
    public void OptionalOpcodes_AreBadOpcode()
    {
        Assert.Equal(KeylessError.BadOpcode, KeylessErrorMap.UnsupportedOptionalOpcode);
        foreach (var opcode in new[] { KeylessOpcode.Seal, KeylessOpcode.Unseal, KeylessOpcode.Rpc, KeylessOpcode.CustomFunction })
        {
            Assert.Equal(Operation.Unspecified, KeylessOperations.ToOperation(opcode));
        }
    }

    [Fact]
    public void ToOperation_MapsEveryPrivateKeyOpcode_ToADistinctOperation()
    {
        var operations = new HashSet<Operation>();
        for (var value = 0; value < 256; value++)
        {
            var opcode = (KeylessOpcode)value;
            var operation = KeylessOperations.ToOperation(opcode);
            var privateKey = KeylessOpcodes.IsKnownRequest(opcode) && opcode != KeylessOpcode.Ping && !KeylessOpcodes.IsOptional(opcode);
            Assert.Equal(privateKey, operation != Operation.Unspecified);
            Assert.True(operation == Operation.Unspecified || operations.Add(operation), $"{operation} is mapped twice");
        }

        Assert.Equal(Enum.GetValues<Operation>().Length - 1, operations.Count);
    }
}
