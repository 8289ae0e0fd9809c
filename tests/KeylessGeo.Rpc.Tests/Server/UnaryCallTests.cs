using System.Net;
using Google.Protobuf;
using KeylessGeo.Contracts.Health.V1;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Metadata;
using KeylessGeo.Rpc.Status;
using KeylessGeo.Rpc.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.Rpc.Tests.Server;

public sealed class UnaryCallTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly FakeKeyServer _service = new();

    [Fact]
    public async Task Sign_WhenKeyExists_ReturnsReversedPayloadAndPeerIdentity()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();

        var response = await channel.UnaryAsync(KeyServerMethods.Sign, Request(5, "key-1", [1, 2, 3]), new RpcCallOptions { CancellationToken = timeout.Token });

        Assert.Equal(5UL, response.Id);
        Assert.Equal(new byte[] { 3, 2, 1 }, response.Result.ToByteArray());
        Assert.Equal(TestTlsMaterial.ClientIdentity, response.ServedBy.KeyserverId);
        Assert.Empty(server.ErrorLogs);
    }

    [Fact]
    public async Task Sign_WhenKeyUnknown_ReturnsKeyNotFoundWithStatusOk()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();

        var response = await channel.UnaryAsync(KeyServerMethods.Sign, Request(6, "unknown", [1]), new RpcCallOptions { CancellationToken = timeout.Token });

        Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
    }

    [Fact]
    public async Task HealthCheck_AndGetCapacity_Answer()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        var options = new RpcCallOptions { CancellationToken = timeout.Token };

        var health = await channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest(), options);
        var capacity = await channel.UnaryAsync(KeyServerMethods.GetCapacity, new GetCapacityRequest(), options);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal("ecdsa-p256", Assert.Single(capacity.Algorithms).Algorithm);
    }

    [Fact]
    public async Task HandlerException_WithoutDetailedErrors_HidesExceptionText()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, Request(1, "throw", []), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(server.ErrorLogs, log => log.Contains("threw an unhandled exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandlerException_WithDetailedErrors_IncludesExceptionText()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map, options => options.EnableDetailedErrors = true);
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, Request(1, "throw", []), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Contains("InvalidOperationException: secret internal detail", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RpcExceptionFromHandler_PassesThroughWithPercentEncodedMessage()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        using var raw = new RawGrpcClient(server);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, Request(1, "rpc-error", []), new RpcCallOptions { CancellationToken = timeout.Token }));
        var wire = await raw.SendAsync(KeyServerMethods.Sign.FullName, RawGrpcClient.Frame(Request(1, "rpc-error", []).ToByteArray()), timeout.Token);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(FakeKeyServer.RpcErrorDetail, error.Status.Detail);
        Assert.Equal("Schl%C3%BCssel 100%25 ung%C3%BCltig %E2%9C%93 (key invalid)", wire.GrpcMessage);
        Assert.Empty(server.ErrorLogs);
    }

    [Fact]
    public async Task Metadata_AsciiAndBinary_FlowsInBothDirections()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        byte[] binary = [0, 1, 2, 0xFE, 0xFF];
        var headers = new RpcMetadata().Add("x-echo-text", "hello world").Add("x-echo-data-bin", binary);

        var response = await channel.UnaryCallAsync(
            KeyServerMethods.Sign, Request(1, "key", [9]), new RpcCallOptions { Headers = headers, CancellationToken = timeout.Token });

        Assert.Equal("hello world", response.Headers.GetValue("x-echo-text"));
        Assert.Equal(binary, response.Headers.GetValueBytes("x-echo-data-bin"));
        Assert.Equal("hello world", response.Trailers.GetValue("trailer-x-echo-text"));
        Assert.Equal(binary, response.Trailers.GetValueBytes("trailer-x-echo-data-bin"));
    }

    [Fact]
    public async Task MalformedRequest_IsInvalidArgument_AndTheConnectionKeepsWorking()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);

        // Field 4 (payload) announces 5 bytes but only 1 follows.
        var bad = await raw.SendAsync(KeyServerMethods.Sign.FullName, RawGrpcClient.Frame([0x22, 0x05, 0x01]), timeout.Token);
        var good = await raw.SendAsync(KeyServerMethods.Sign.FullName, RawGrpcClient.Frame(Request(2, "key", [1, 2]).ToByteArray()), timeout.Token);

        Assert.Equal("3", bad.GrpcStatus);
        Assert.Contains("keylessgeo.v1.SignRequest", bad.GrpcMessage, StringComparison.Ordinal);
        Assert.Equal("0", good.GrpcStatus);
        Assert.Equal(new byte[] { 2, 1 }, SignResponse.Parser.ParseFrom(Assert.Single(good.Messages)).Result.ToByteArray());
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented_TrailersOnly()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);

        var unknownMethod = await raw.SendAsync("/keylessgeo.v1.KeyServer/Decrypt", RawGrpcClient.Frame([]), timeout.Token);
        var unknownService = await raw.SendAsync("/other.v1.Service/Call", RawGrpcClient.Frame([]), timeout.Token);

        Assert.Equal(HttpStatusCode.OK, unknownMethod.StatusCode);
        Assert.True(unknownMethod.IsTrailersOnly);
        Assert.Equal("12", unknownMethod.GrpcStatus);
        Assert.Contains("Decrypt", unknownMethod.GrpcMessage, StringComparison.Ordinal);
        Assert.True(unknownService.IsTrailersOnly);
        Assert.Equal("12", unknownService.GrpcStatus);
    }

    [Fact]
    public async Task UnknownMethod_ThroughTheChannel_ThrowsUnimplemented()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = server.CreateChannel();
        var bogus = new Methods.RpcMethod<SignRequest, SignResponse>(
            Methods.RpcMethodType.Unary, KeyServerMethods.ServiceName, "Bogus", SignRequest.Parser, SignResponse.Parser);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(bogus, new SignRequest(), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task OversizeRequest_IsResourceExhausted()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map, options => options.MaxReceiveMessageSize = 1024);
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, Request(1, "key", new byte[2048]), new RpcCallOptions { CancellationToken = timeout.Token }));
        var fine = await channel.UnaryAsync(KeyServerMethods.Sign, Request(2, "key", new byte[100]), new RpcCallOptions { CancellationToken = timeout.Token });

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(2UL, fine.Id);
    }

    [Fact]
    public async Task OversizeResponse_IsResourceExhausted_OnServerAndClient()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        await using var bigServer = await RpcTestServer.StartAsync(_tls, _service.Map, options => options.MaxSendMessageSize = 8 * 1024 * 1024);
        using var channel = server.CreateChannel();
        using var bigChannel = bigServer.CreateChannel();

        var serverSide = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, Request(1, "big-response", []), new RpcCallOptions { CancellationToken = timeout.Token }));
        var clientSide = await Assert.ThrowsAsync<RpcException>(async () =>
            await bigChannel.UnaryAsync(KeyServerMethods.Sign, Request(1, "big-response", []), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.ResourceExhausted, serverSide.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, clientSide.StatusCode);
    }

    [Fact]
    public async Task OversizeRequest_IsRejectedByTheClientBeforeSending()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var channel = new RpcChannel(new RpcChannelOptions
        {
            Address = server.Address,
            ClientCertificate = _tls.ClientCertificate,
            TrustedCa = _tls.TrustedCa,
            MaxSendMessageSize = 10,
        });

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.UnaryAsync(KeyServerMethods.Sign, Request(1, "key", new byte[100]), new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task NonGrpcContentType_IsHttp415(string contentType)
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);

        var response = await raw.SendAsync(KeyServerMethods.Sign.FullName, RawGrpcClient.Frame([]), timeout.Token, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task GrpcProtoContentType_IsAccepted()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);

        var response = await raw.SendAsync(KeyServerMethods.Sign.FullName, RawGrpcClient.Frame(Request(1, "k", [1]).ToByteArray()), timeout.Token, "application/grpc+proto");

        Assert.Equal("0", response.GrpcStatus);
    }

    [Fact]
    public async Task UnsupportedGrpcEncoding_IsUnimplemented_WithAcceptEncoding()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);

        var response = await raw.SendAsync(
            KeyServerMethods.Sign.FullName, RawGrpcClient.Frame([], compressed: true), timeout.Token, headers: [new("grpc-encoding", "gzip")]);

        Assert.Equal("12", response.GrpcStatus);
        Assert.Equal("identity", response.Headers["grpc-accept-encoding"]);
    }

    [Fact]
    public async Task CompressedMessage_WithoutEncoding_IsInternal()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);

        var response = await raw.SendAsync(KeyServerMethods.Sign.FullName, RawGrpcClient.Frame([8, 1], compressed: true), timeout.Token);

        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task InvalidGrpcTimeout_IsRejected()
    {
        using var timeout = TestTimeout.Create();
        await using var server = await RpcTestServer.StartAsync(_tls, _service.Map);
        using var raw = new RawGrpcClient(server);

        var response = await raw.SendAsync(
            KeyServerMethods.Sign.FullName, RawGrpcClient.Frame([]), timeout.Token, headers: [new("grpc-timeout", "10x")]);

        Assert.Equal("13", response.GrpcStatus);
        Assert.True(response.IsTrailersOnly);
    }

    public void Dispose() => _tls.Dispose();

    internal static SignRequest Request(ulong id, string keyId, byte[] payload)
        => new() { Id = id, Key = new KeyRef { KeyId = keyId }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(payload) };
}
