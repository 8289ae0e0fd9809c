using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using Grpc.Core;
using KeylessGeo.Testing;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.Interop.Tests;

/// <summary>Our client (Grpc.Net.Client through <c>GrpcChannelFactory</c>) → a Python grpcio server requiring client certificates.</summary>
public sealed class OurClientToPythonServerTests(PythonServerFixture fixture) : IClassFixture<PythonServerFixture>
{
    [Fact]
    public async Task Unary_ReturnsReversedPayload_AndPythonSawOurCertificate()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();

        var client = new KeyServerClient(channel);
        var response = await client.SignAsync(Request(1, "key", [1, 2, 3]), cancellationToken: timeout.Token);
        var unknown = await client.SignAsync(Request(2, "unknown", []), cancellationToken: timeout.Token);

        Assert.Equal(new byte[] { 3, 2, 1 }, response.Result.ToByteArray());
        Assert.Equal(TestTlsMaterial.ClientIdentity, response.ServedBy.KeyserverId);
        Assert.Equal(ErrorCode.KeyNotFound, unknown.Error.Code);
    }

    [Fact]
    public async Task BidiStream_AnswersEveryId()
    {
        const int count = 500;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var channel = fixture.CreateChannel();
        using var call = new KeyServerClient(channel).SignStream(cancellationToken: timeout.Token);

        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= count; i++)
            {
                await call.RequestStream.WriteAsync(Request((ulong)i, i % 10 == 0 ? "unknown" : "k", BitConverter.GetBytes(i)), timeout.Token);
            }

            await call.RequestStream.CompleteAsync();
        });
        var ids = new HashSet<ulong>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            Assert.True(ids.Add(response.Id));
            Assert.Equal(response.Id % 10 == 0, response.OutcomeCase == SignResponse.OutcomeOneofCase.Error);
        }

        await writer;
        Assert.Equal(count, ids.Count);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Abort_WithNonAsciiDetail_IsDecodedFromPercentEncoding()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new KeyServerClient(channel).SignAsync(Request(1, "abort", []), cancellationToken: timeout.Token));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("Schlüssel 100% ungültig ✓ (python)", error.Status.Detail);
    }

    [Fact]
    public async Task Deadline_IsDeadlineExceeded()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new KeyServerClient(channel).SignAsync(
            Request(1, "wait-for-cancel", []),
            deadline: DateTime.UtcNow.AddMilliseconds(500),
            cancellationToken: timeout.Token));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Metadata_AsciiAndBinary_IsEchoedInHeadersAndTrailers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();
        byte[] binary = [0, 1, 0xFE, 0xFF];

        using var call = new KeyServerClient(channel).SignAsync(
            Request(1, "k", [5]),
            new Metadata { { "x-echo-text", "hi python" }, { "x-echo-data-bin", binary } },
            cancellationToken: timeout.Token);
        await call.ResponseAsync;
        var headers = await call.ResponseHeadersAsync;
        var trailers = call.GetTrailers();

        Assert.Equal("hi python", headers.GetValue("x-echo-text"));
        Assert.Equal(binary, headers.GetValueBytes("x-echo-data-bin"));
        Assert.Equal("hi python", trailers.GetValue("trailer-x-echo-text"));
        Assert.Equal(binary, trailers.GetValueBytes("trailer-x-echo-data-bin"));
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();
        var bogus = new Method<SignRequest, SignResponse>(
            MethodType.Unary, "keylessgeo.v1.KeyServer", "Bogus",
            Marshallers.Create(static (SignRequest r) => r.ToByteArray(), SignRequest.Parser.ParseFrom),
            Marshallers.Create(static (SignResponse r) => r.ToByteArray(), SignResponse.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.CreateCallInvoker().AsyncUnaryCall(bogus, null, new CallOptions(cancellationToken: timeout.Token), new SignRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    private static SignRequest Request(ulong id, string keyId, byte[] payload)
        => new() { Id = id, Key = new KeyRef { KeyId = keyId }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(payload) };
}
