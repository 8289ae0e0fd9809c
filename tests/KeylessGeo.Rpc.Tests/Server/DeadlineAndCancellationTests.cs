using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Methods;
using KeylessGeo.Rpc.Status;
using KeylessGeo.Rpc.Tests.Infrastructure;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Builder;

namespace KeylessGeo.Rpc.Tests.Server;

public sealed class DeadlineAndCancellationTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly FakeKeyServer _service = new();

    [Fact]
    public async Task Unary_WhenDeadlinePasses_ServerSendsDeadlineExceeded_AndCancelsTheHandler()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);

        // No client-side timer here: the status must come from the server.
        var response = await raw.SendAsync(
            KeyServerMethods.Sign.FullName,
            RawGrpcClient.Frame(UnaryCallTests.Request(1, "wait-for-cancel", []).ToByteArray()),
            timeout.Token,
            headers: [new("grpc-timeout", "200m")]);
        var deadlinePassed = await _service.HandlerCancelled.Task.WaitAsync(timeout.Token);

        Assert.Equal("4", response.GrpcStatus);
        Assert.True(deadlinePassed);
    }

    [Fact]
    public async Task Unary_WhenHandlerIgnoresItsToken_ServerStillSendsDeadlineExceeded()
    {
        using var timeout = TestTimeout.Create();
        var release = new TaskCompletionSource<SignResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var method = new RpcMethod<SignRequest, SignResponse>(RpcMethodType.Unary, "test.v1.Probe", "Stuck", SignRequest.Parser, SignResponse.Parser);
        await using var server = await RpcTestServer.StartAsync(_tls, endpoints => endpoints.MapRpcUnary(method, (_, _) => new ValueTask<SignResponse>(release.Task)));
        using var raw = new RawGrpcClient(server);

        var response = await raw.SendAsync(method.FullName, RawGrpcClient.Frame([]), timeout.Token, headers: [new("grpc-timeout", "100m")]);
        release.TrySetResult(new SignResponse());

        Assert.Equal("4", response.GrpcStatus);
        Assert.True(response.IsTrailersOnly);
    }

    [Fact]
    public async Task Unary_WithDeadline_ThroughTheChannel_ThrowsDeadlineExceeded()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.UnaryAsync(
            KeyServerMethods.Sign,
            UnaryCallTests.Request(1, "wait-for-cancel", []),
            new RpcCallOptions { Deadline = DateTimeOffset.UtcNow.AddMilliseconds(300), CancellationToken = timeout.Token }));
        await _service.HandlerCancelled.Task.WaitAsync(timeout.Token);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Unary_WithDeadlineInThePast_FailsWithoutSending()
    {
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.UnaryAsync(
            KeyServerMethods.Sign, UnaryCallTests.Request(1, "key", []), new RpcCallOptions { Deadline = DateTimeOffset.UtcNow.AddSeconds(-1) }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Unary_WhenClientCancels_HandlerTokenIsCancelled()
    {
        using var timeout = TestTimeout.Create();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();

        var call = channel.UnaryAsync(KeyServerMethods.Sign, UnaryCallTests.Request(1, "wait-for-cancel", []), new RpcCallOptions { CancellationToken = cancel.Token }).AsTask();
        await _service.HandlerWaiting.Task.WaitAsync(timeout.Token);
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        var deadlinePassed = await _service.HandlerCancelled.Task.WaitAsync(timeout.Token);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.False(deadlinePassed);
    }

    [Fact]
    public async Task Duplex_WhenDeadlinePasses_StreamEndsWithDeadlineExceeded()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        using var call = channel.StartDuplex(
            KeyServerMethods.SignStream, new RpcCallOptions { Deadline = DateTimeOffset.UtcNow.AddMilliseconds(300), CancellationToken = timeout.Token });

        await call.RequestStream.WriteAsync(UnaryCallTests.Request(1, "wait-for-cancel", []), timeout.Token);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.ReadAsync());
        await _service.HandlerCancelled.Task.WaitAsync(timeout.Token);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Duplex_WhenClientDisposesTheCall_HandlerTokenIsCancelled()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        var call = channel.StartDuplex(KeyServerMethods.SignStream, new RpcCallOptions { CancellationToken = timeout.Token });

        await call.RequestStream.WriteAsync(UnaryCallTests.Request(1, "wait-for-cancel", []), timeout.Token);
        await _service.HandlerWaiting.Task.WaitAsync(timeout.Token);
        call.Dispose();
        var deadlinePassed = await _service.HandlerCancelled.Task.WaitAsync(timeout.Token);

        Assert.False(deadlinePassed);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().Code);
        await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.ReadAsync(timeout.Token));
    }

    public void Dispose() => _tls.Dispose();
}
