using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Metadata;
using KeylessGeo.Rpc.Status;
using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>Direction (b): our RpcChannel → a Python grpcio server requiring client certificates.</summary>
public sealed class OurClientToPythonServerTests(PythonServerFixture fixture) : IClassFixture<PythonServerFixture>
{
    [Fact]
    public async Task Unary_ReturnsReversedPayload_AndPythonSawOurCertificate()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();

        var response = await channel.UnaryAsync(KeyServerMethods.Sign, Request(1, "key", [1, 2, 3]), new RpcCallOptions { CancellationToken = timeout.Token });
        var unknown = await channel.UnaryAsync(KeyServerMethods.Sign, Request(2, "unknown", []), new RpcCallOptions { CancellationToken = timeout.Token });

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
        using var call = channel.StartDuplex(KeyServerMethods.SignStream, new RpcCallOptions { CancellationToken = timeout.Token });

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
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task Abort_WithNonAsciiDetail_IsDecodedFromPercentEncoding()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, Request(1, "abort", []), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("Schlüssel 100% ungültig ✓ (python)", error.Status.Detail);
    }

    [Fact]
    public async Task Deadline_IsDeadlineExceeded()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.UnaryAsync(
            KeyServerMethods.Sign,
            Request(1, "wait-for-cancel", []),
            new RpcCallOptions { Deadline = DateTimeOffset.UtcNow.AddMilliseconds(500), CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Metadata_AsciiAndBinary_IsEchoedInHeadersAndTrailers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();
        byte[] binary = [0, 1, 0xFE, 0xFF];

        var response = await channel.UnaryCallAsync(
            KeyServerMethods.Sign,
            Request(1, "k", [5]),
            new RpcCallOptions { Headers = new RpcMetadata().Add("x-echo-text", "hi python").Add("x-echo-data-bin", binary), CancellationToken = timeout.Token });

        Assert.Equal("hi python", response.Headers.GetValue("x-echo-text"));
        Assert.Equal(binary, response.Headers.GetValueBytes("x-echo-data-bin"));
        Assert.Equal("hi python", response.Trailers.GetValue("trailer-x-echo-text"));
        Assert.Equal(binary, response.Trailers.GetValueBytes("trailer-x-echo-data-bin"));
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var channel = fixture.CreateChannel();
        var bogus = new Rpc.Methods.RpcMethod<SignRequest, SignResponse>(
            Rpc.Methods.RpcMethodType.Unary, KeyServerMethods.ServiceName, "Bogus", SignRequest.Parser, SignResponse.Parser);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(bogus, new SignRequest(), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    private static SignRequest Request(ulong id, string keyId, byte[] payload)
        => new() { Id = id, Key = new KeyRef { KeyId = keyId }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(payload) };
}
