using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Server;
using KeylessGeo.Rpc.Status;
using KeylessGeo.Rpc.Tests.Infrastructure;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KeylessGeo.Rpc.Tests.Server;

public sealed class ResponseMetadataTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();

    [Fact]
    public async Task Duplex_ResponseHeadersAddedAfterTheFirstMessage_AreNotSent()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, endpoints =>
            endpoints.MapRpcDuplex(KeyServerMethods.SignStream, async (_, responses, context) =>
            {
                context.ResponseHeaders.Add("x-early", "1");
                await responses.WriteAsync(new SignResponse { Id = 1 });
                context.ResponseHeaders.Add("x-late", "1");
                await responses.WriteAsync(new SignResponse { Id = 2 });
            }));
        using var channel = server.CreateChannel();
        using var call = channel.StartDuplex(KeyServerMethods.SignStream, new RpcCallOptions { CancellationToken = timeout.Token });
        await call.RequestStream.CompleteAsync();

        var ids = new List<ulong>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            ids.Add(response.Id);
        }

        var headers = await call.GetResponseHeadersAsync();
        Assert.Equal([1UL, 2UL], ids);
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.Equal("1", headers.GetValue("x-early"));
        Assert.Null(headers.Get("x-late"));
        Assert.Empty(server.ErrorLogs);
    }

    [Fact]
    public async Task Unary_OversizeResponse_DoesNotDuplicateResponseHeaders()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, endpoints =>
            endpoints.MapRpcUnary(KeyServerMethods.Sign, (request, context) =>
            {
                context.ResponseHeaders.Add("x-a", "1");
                return ValueTask.FromResult(new SignResponse { Id = request.Id, Result = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) });
            }));
        using var raw = new RawGrpcClient(server);

        var response = await raw.SendAsync(KeyServerMethods.Sign.FullName, RawGrpcClient.Frame(UnaryCallTests.Request(1, "key", [1]).ToByteArray()), timeout.Token);

        Assert.Equal(((int)StatusCode.ResourceExhausted).ToString(System.Globalization.CultureInfo.InvariantCulture), response.GrpcStatus);
        Assert.Equal("1", response.Headers["x-a"]);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(-1)]
    [InlineData(1000)]
    public void WriteTrailersOnly_UnknownStatusCode_IsSentAsUnknown(int code)
    {
        var http = new DefaultHttpContext();

        ServerProtocol.WriteTrailersOnly(http.Response, new RpcStatus((StatusCode)code, "odd"), null, null);

        Assert.Equal("2", http.Response.Headers["grpc-status"].ToString());
    }

    [Fact]
    public void CallContext_DisposedAfterClientCancelled_ReleasesTheDeadlineTimer()
    {
        using var aborted = new CancellationTokenSource();
        var http = new DefaultHttpContext { RequestAborted = aborted.Token };
        var context = new RpcCallContext(http, KeyServerMethods.Sign, TimeSpan.FromHours(1), TimeProvider.System);
        var deadline = context.DeadlineSource;
        Assert.NotNull(deadline);

        aborted.Cancel();
        context.Dispose();

        Assert.Throws<ObjectDisposedException>(() => deadline.CancelAfter(TimeSpan.FromHours(1)));
    }

    public void Dispose() => _tls.Dispose();
}
