using System.Net;
using System.Net.Sockets;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Status;
using KeylessGeo.Rpc.Tests.Infrastructure;
using KeylessGeo.Rpc.Tests.Server;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KeylessGeo.Rpc.Tests.Client;

public sealed class CallFailureTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly FakeKeyServer _service = new();

    [Fact]
    public async Task Duplex_WhenServerIsNotListening_CompleteAsyncThrowsUnavailable()
    {
        using var timeout = TestTimeout.Create(10);
        using var channel = new RpcChannel(new RpcChannelOptions
        {
            Address = new Uri($"https://127.0.0.1:{FreePort.Next()}"),
            ClientCertificate = _tls.ClientCertificate,
            TrustedCa = _tls.TrustedCa,
        });
        using var call = channel.StartDuplex(KeyServerMethods.SignStream);

        for (var i = 1; i <= 3; i++)
        {
            // The connection may already have failed: a write then reports the call's status.
            try
            {
                await call.RequestStream.WriteAsync(UnaryCallTests.Request((ulong)i, "key", [1]), timeout.Token);
            }
            catch (RpcException ex)
            {
                Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
            }
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.CompleteAsync().WaitAsync(timeout.Token));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Unary_WhenTlsHandshakeTimesOut_ThrowsUnavailable()
    {
        using var timeout = TestTimeout.Create();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<Socket>();
        var accepting = AcceptSilentlyAsync(listener, accepted, timeout.Token);
        using var channel = new RpcChannel(new RpcChannelOptions
        {
            Address = new Uri($"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"),
            ClientCertificate = _tls.ClientCertificate,
            TrustedCa = _tls.TrustedCa,
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
        });

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, UnaryCallTests.Request(1, "key", [1]), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        listener.Stop();
        await accepting;
        accepted.ForEach(socket => socket.Dispose());
    }

    [Fact]
    public async Task Duplex_DisposedWhileAnotherTaskReads_ReaderGetsCancelled()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        var call = channel.StartDuplex(KeyServerMethods.SignStream, new RpcCallOptions { CancellationToken = timeout.Token });
        await call.RequestStream.WriteAsync(UnaryCallTests.Request(1, "wait-for-cancel", []), timeout.Token);
        await _service.HandlerWaiting.Task.WaitAsync(timeout.Token);

        // No response headers come before the first message, so the read parks on the response.
        var read = call.ResponseStream.ReadAsync().AsTask();
        Assert.False(read.IsCompleted);
        call.Dispose();
        var error = await Assert.ThrowsAsync<RpcException>(() => read.WaitAsync(timeout.Token));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task Duplex_ReadWithCallerToken_StillEndsAtTheDeadline()
    {
        using var timeout = TestTimeout.Create(10);
        await using var server = await RpcTestServer.StartAsync(_tls, endpoints =>
            endpoints.MapPost(KeyServerMethods.SignStream.FullName, StallAfterHeadersAsync));
        using var channel = server.CreateChannel();
        using var never = new CancellationTokenSource();
        using var call = channel.StartDuplex(KeyServerMethods.SignStream, new RpcCallOptions { Deadline = DateTimeOffset.UtcNow.AddMilliseconds(300) });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.ReadAsync(never.Token).AsTask().WaitAsync(timeout.Token));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    public void Dispose() => _tls.Dispose();

    private static async Task AcceptSilentlyAsync(TcpListener listener, List<Socket> accepted, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                accepted.Add(await listener.AcceptSocketAsync(cancellationToken));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The listener was stopped.
        }
    }

    // A gRPC-looking server that sends response headers, then nothing, and ignores grpc-timeout.
    private static async Task StallAfterHeadersAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/grpc";
        await http.Response.StartAsync(http.RequestAborted);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = http.RequestAborted.Register(() => aborted.TrySetResult());
        await aborted.Task;
    }
}
