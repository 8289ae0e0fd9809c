using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using KeylessGeo.KeyServer.Testing;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>Bad requests to the real keyserver get precise answers and leave the connection usable.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BadInputEndToEndTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task Sign_WhenRequestIsMalformedProtobuf_IsInvalidArgument_AndTheChannelStillSigns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.Host.CreateChannel();
        var errorsBefore = fixture.Host.ErrorLogs.Count;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.CreateCallInvoker().AsyncUnaryCall(RawKeyServerMethods.Sign, null, new CallOptions(cancellationToken: timeout.Token), RawSignRequest.Truncated()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("not a valid SignRequest", error.Status.Detail, StringComparison.Ordinal);
        await AssertSignsAsync(channel, timeout.Token);
        Assert.Empty(fixture.Host.ErrorLogs.Skip(errorsBefore));
    }

    public static TheoryData<string, ErrorCode, string> BadRequests() => new()
    {
        { "wrong payload length", ErrorCode.BadRequest, "payload must be 32 bytes" },
        { "operation for another key type", ErrorCode.BadRequest, "cannot be used with key algorithm" },
        { "empty key reference", ErrorCode.BadRequest, "key reference is empty" },
        { "unknown operation", ErrorCode.BadRequest, "operation 99 is not a known operation" },
        { "unspecified operation", ErrorCode.BadRequest, "operation is required" },
        { "short SKI", ErrorCode.BadRequest, "ski" },
        { "unknown key", ErrorCode.KeyNotFound, "" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Sign_WithABadRequest_ReturnsItsErrorCodeAndMessage_AndTheChannelStillSigns(string problem, ErrorCode code, string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.Host.CreateChannel();
        var errorsBefore = fixture.Host.ErrorLogs.Count;

        var response = await new KeyServerClient(channel).SignAsync(Request(problem), cancellationToken: timeout.Token);

        Assert.Equal(3UL, response.Id);
        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Error, response.ToString());
        Assert.Equal(code, response.Error.Code);
        Assert.Contains(message, response.Error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(response.Error.Message);
        Assert.Equal(KeyServerTestHost.KeyServerId, response.ServedBy.KeyserverId);
        await AssertSignsAsync(channel, timeout.Token);
        Assert.Empty(fixture.Host.ErrorLogs.Skip(errorsBefore));
    }

    private static SignRequest Request(string problem)
    {
        var request = new SignRequest
        {
            Id = 3,
            Key = new KeyRef { KeyId = EndToEndFixture.EcP256 },
            Operation = Operation.EcdsaSha256,
            Payload = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
        };
        switch (problem)
        {
            case "wrong payload length":
                request.Payload = ByteString.CopyFrom(new byte[33]);
                break;
            case "operation for another key type":
                request.Operation = Operation.RsaPkcs1Sha256;
                break;
            case "empty key reference":
                request.Key = new KeyRef();
                break;
            case "unknown operation":
                request.Operation = (Operation)99;
                break;
            case "unspecified operation":
                request.Operation = Operation.Unspecified;
                break;
            case "short SKI":
                request.Key = new KeyRef { Ski = ByteString.CopyFrom(new byte[19]) };
                break;
            case "unknown key":
                request.Key = new KeyRef { KeyId = "no-such-key" };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(problem), problem, null);
        }

        return request;
    }

    private async Task AssertSignsAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        var digest = SHA256.HashData("still signing"u8);
        var response = await new KeyServerClient(channel).SignAsync(
            new SignRequest { Id = 4, Key = new KeyRef { KeyId = EndToEndFixture.EcP256 }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(digest) },
            cancellationToken: cancellationToken);
        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.True(SignatureCheck.InProcess(fixture.Keys, EndToEndFixture.EcP256, Operation.EcdsaSha256, digest, response.Result.ToByteArray()));
    }
}
