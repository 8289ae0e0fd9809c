using System.Collections.Concurrent;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Methods;
using KeylessGeo.Rpc.Server;
using KeylessGeo.Rpc.Status;
using KeylessGeo.Rpc.Tests.Infrastructure;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Builder;

namespace KeylessGeo.Rpc.Tests.Server;

public sealed class DuplexCallTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly FakeKeyServer _service = new();

    [Fact]
    public async Task SignStream_ThousandInterleavedRequests_GetExactlyOneResponseEach()
    {
        const int count = 1000;
        using var timeout = TestTimeout.Create(60);
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        using var call = channel.StartDuplex(KeyServerMethods.SignStream, new RpcCallOptions { CancellationToken = timeout.Token });

        // Four writers interleave their requests on one stream while the responses are read.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = w + 1; i <= count; i += 4)
            {
                var keyId = i % 10 == 0 ? "unknown" : "key-" + i;
                await call.RequestStream.WriteAsync(UnaryCallTests.Request((ulong)i, keyId, BitConverter.GetBytes(i)), timeout.Token);
            }
        })).ToArray();
        var completion = Task.Run(async () =>
        {
            await Task.WhenAll(writers);
            await call.RequestStream.CompleteAsync();
        });

        var seen = new Dictionary<ulong, SignResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            Assert.True(seen.TryAdd(response.Id, response), $"duplicate response for id {response.Id}");
        }

        await completion;
        Assert.Equal(count, seen.Count);
        for (var i = 1; i <= count; i++)
        {
            var response = seen[(ulong)i];
            if (i % 10 == 0)
            {
                Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
            }
            else
            {
                var expected = BitConverter.GetBytes(i);
                Array.Reverse(expected);
                Assert.Equal(expected, response.Result.ToByteArray());
            }
        }

        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.Empty(server.ErrorLogs);
    }

    [Fact]
    public async Task SignStream_MalformedMessageMidStream_IsReportedAndTheStreamContinues()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);
        byte[] body =
        [
            .. RawGrpcClient.Frame(UnaryCallTests.Request(1, "key", [1, 2]).ToByteArray()),
            .. RawGrpcClient.Frame([0x22, 0x05, 0x01]),
            .. RawGrpcClient.Frame(UnaryCallTests.Request(2, "key", [3, 4]).ToByteArray()),
        ];

        var response = await raw.SendAsync(KeyServerMethods.SignStream.FullName, body, timeout.Token);

        Assert.Equal("0", response.GrpcStatus);
        var messages = response.Messages.Select(m => SignResponse.Parser.ParseFrom(m)).ToDictionary(m => m.Id);
        Assert.Equal(3, messages.Count);
        Assert.Equal(ErrorCode.BadRequest, messages[0].Error.Code);
        Assert.Contains("keylessgeo.v1.SignRequest", messages[0].Error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 2, 1 }, messages[1].Result.ToByteArray());
        Assert.Equal(new byte[] { 4, 3 }, messages[2].Result.ToByteArray());
        Assert.Equal(1, _service.MalformedMessages);
    }

    [Fact]
    public async Task SignStream_OversizeMessage_EndsTheStreamWithResourceExhausted()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map, options => options.MaxReceiveMessageSize = 1024);
        using var channel = server.CreateChannel();
        using var call = channel.StartDuplex(KeyServerMethods.SignStream, new RpcCallOptions { CancellationToken = timeout.Token });

        await call.RequestStream.WriteAsync(UnaryCallTests.Request(1, "key", [1]), timeout.Token);
        var first = await call.ResponseStream.ReadAsync(timeout.Token);
        await call.RequestStream.WriteAsync(UnaryCallTests.Request(2, "key", new byte[4096]), timeout.Token);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.ReadAsync(timeout.Token) is not null)
            {
            }
        });

        Assert.Equal(1UL, first!.Id);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, call.GetStatus().Code);
    }

    [Fact]
    public async Task SignStream_EmptyStream_EndsWithOkAndNoMessages()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        using var call = channel.StartDuplex(KeyServerMethods.SignStream, new RpcCallOptions { CancellationToken = timeout.Token });

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseStream.ReadAsync(timeout.Token);

        Assert.Null(response);
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task Writer_AfterTheCallEnded_FailsCleanly()
    {
        using var timeout = TestTimeout.Create();
        var captured = new TaskCompletionSource<RpcStreamWriter<SignResponse>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var method = new RpcMethod<SignRequest, SignResponse>(RpcMethodType.DuplexStreaming, "test.v1.Probe", "Capture", SignRequest.Parser, SignResponse.Parser);
        await using var server = await RpcTestServer.StartAsync(_tls, endpoints => endpoints.MapRpcDuplex(method, async (requests, responses, context) =>
        {
            await responses.WriteAsync(new SignResponse { Id = 1 });
            captured.TrySetResult(responses);
        }));
        using var channel = server.CreateChannel();
        using var call = channel.StartDuplex(method, new RpcCallOptions { CancellationToken = timeout.Token });

        var received = new List<ulong>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            received.Add(response.Id);
        }

        var writer = await captured.Task.WaitAsync(timeout.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteAsync(new SignResponse { Id = 2 }, timeout.Token));
        Assert.Equal([1UL], received);
    }

    [Fact]
    public async Task Writer_ManyConcurrentWriters_DeliverEveryMessage()
    {
        const int writers = 16;
        const int perWriter = 200;
        using var timeout = TestTimeout.Create(60);
        var method = new RpcMethod<SignRequest, SignResponse>(RpcMethodType.DuplexStreaming, "test.v1.Probe", "Fan", SignRequest.Parser, SignResponse.Parser);
        await using var server = await RpcTestServer.StartAsync(
            _tls,
            endpoints => endpoints.MapRpcDuplex(method, (requests, responses, context) => Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    await responses.WriteAsync(new SignResponse { Id = (ulong)((w * perWriter) + i) });
                }
            })))),
            options => options.ResponseQueueCapacity = 8);
        using var channel = server.CreateChannel();
        using var call = channel.StartDuplex(method, new RpcCallOptions { CancellationToken = timeout.Token });
        await call.RequestStream.CompleteAsync();

        var ids = new ConcurrentBag<ulong>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            ids.Add(response.Id);
        }

        Assert.Equal(writers * perWriter, ids.Distinct().Count());
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    public void Dispose() => _tls.Dispose();
}
