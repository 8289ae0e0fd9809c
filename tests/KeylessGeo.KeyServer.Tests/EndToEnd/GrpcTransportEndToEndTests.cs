using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>
/// The transport rules of the keyserver's gRPC service through Grpc.Net.Client: unknown methods,
/// message-size limits, call deadlines, and a malformed message in the middle of a stream.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GrpcTransportEndToEndTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Channel.CreateCallInvoker().AsyncUnaryCall(
            RawKeyServerMethods.Unknown, null, new CallOptions(cancellationToken: timeout.Token), RawSignRequest.Of(Request(1, "x"))));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task OversizeRequest_IsResourceExhausted_AndTheChannelStillSigns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = new KeyServerClient(fixture.Channel);
        var oversize = Request(1, "oversize");
        oversize.Payload = ByteString.CopyFrom(new byte[100 * 1024]);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.SignAsync(oversize, cancellationToken: timeout.Token));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertSignsAsync(client, timeout.Token);
    }

    [Fact]
    public async Task SignStream_LeftOpenPastItsDeadline_EndsWithDeadlineExceeded_AfterAnsweringWhatItRead()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = new KeyServerClient(fixture.Channel);
        using var call = client.SignStream(deadline: DateTime.UtcNow.AddMilliseconds(500), cancellationToken: timeout.Token);
        await call.RequestStream.WriteAsync(Request(7, "before the deadline"), timeout.Token);

        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        var answered = call.ResponseStream.Current;
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(7UL, answered.Id);
        Assert.True(answered.OutcomeCase == SignResponse.OutcomeOneofCase.Result, answered.ToString());
        // The server's deadline and the client's own fire at the same instant: the client reports
        // DEADLINE_EXCEEDED from the server's trailers or its own timer, or CANCELLED when the
        // server's reset of the expired stream reaches it first (seen on a busy machine).
        Assert.True(error.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled, error.ToString());
        await AssertSignsAsync(client, timeout.Token);
    }

    [Fact]
    public async Task SignStream_MalformedMessageBetweenTwoRequests_IsAnsweredBadRequest_AndBothRequestsAreSigned()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = fixture.Channel.CreateCallInvoker().AsyncDuplexStreamingCall(
            RawKeyServerMethods.SignStream, null, new CallOptions(cancellationToken: timeout.Token));

        await call.RequestStream.WriteAsync(RawSignRequest.Of(Request(1, "first")), timeout.Token);
        await call.RequestStream.WriteAsync(RawSignRequest.Truncated(), timeout.Token);
        await call.RequestStream.WriteAsync(RawSignRequest.Of(Request(2, "second")), timeout.Token);
        await call.RequestStream.CompleteAsync();
        var responses = new List<SignResponse>();
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            responses.Add(call.ResponseStream.Current);
        }

        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal([0UL, 1UL, 2UL], responses.Select(r => r.Id).Order());
        var malformed = responses.Single(r => r.Id == 0);
        Assert.Equal(ErrorCode.BadRequest, malformed.Error.Code);
        Assert.Contains("not a valid SignRequest", malformed.Error.Message, StringComparison.Ordinal);
        Assert.All(responses.Where(r => r.Id != 0), r => Assert.True(r.OutcomeCase == SignResponse.OutcomeOneofCase.Result, r.ToString()));
    }

    private static SignRequest Request(ulong id, string text) => new()
    {
        Id = id,
        Key = new KeyRef { KeyId = EndToEndFixture.EcP256 },
        Operation = Operation.EcdsaSha256,
        Payload = ByteString.CopyFrom(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))),
    };

    private async Task AssertSignsAsync(KeyServerClient client, CancellationToken cancellationToken)
    {
        var request = Request(9, "still signing");
        var response = await client.SignAsync(request, cancellationToken: cancellationToken);
        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.True(SignatureCheck.InProcess(fixture.Keys, EndToEndFixture.EcP256, Operation.EcdsaSha256, request.Payload.ToByteArray(), response.Result.ToByteArray()));
    }
}
