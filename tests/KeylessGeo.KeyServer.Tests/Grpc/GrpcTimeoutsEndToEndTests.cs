using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing.Keyless;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Grpc;

/// <summary>
/// The gRPC endpoints' idle timeout, keep-alive pings and flow-control windows, over real mutual
/// TLS on 127.0.0.1, observed from a bare HTTP/2 client (<see cref="RawHttp2Client"/>).
/// </summary>
public sealed class GrpcTimeoutsEndToEndTests(GrpcLimitsFixture fixture) : IClassFixture<GrpcLimitsFixture>
{
    private const int NoError = 0x0;
    private const int InternalError = 0x2;

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout_WhileAnIdleSignStreamAndAKeylessConnectionStayOpen()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var idleTimeout = TimeSpan.FromSeconds(2);
        await using var host = await fixture.StartAsync(
            new() { ["Grpc:IdleTimeout"] = "00:00:02", ["Grpc:KeepAlivePingDelay"] = "00:00:03" }, null, timeout.Token);

        // A SignStream that has answered and now idles, and a Keyless connection, both older than the idle one.
        using var channel = host.CreateChannel();
        using var stream = new KeyServerClient(channel).SignStream(cancellationToken: timeout.Token);
        await SignOnStreamAsync(stream, 1, timeout.Token);
        await using var keyless = await KeylessTestClient.ConnectAsync(
            host.KeylessEndPoint!, new KeylessTestClientOptions { TrustedCa = fixture.Tls.TrustedCa, ClientCertificate = fixture.Tls.ClientCertificate }, timeout.Token);
        Assert.Equal(KeylessOpcode.Pong, (await keyless.ExchangeAsync(KeylessTestClient.Ping(1, [1]), timeout.Token)).Opcode);

        var started = Stopwatch.GetTimestamp();
        await using var idle = await RawHttp2Client.ConnectAsync(EndPoint(host), fixture.Tls.ClientCertificate, fixture.Tls.TrustedCa, timeout.Token);
        Assert.True(await idle.WaitForSettingsAsync(timeout.Token));

        var idleFor = Stopwatch.GetElapsedTime(started, await idle.Closed.WaitAsync(timeout.Token));

        Assert.True(idleFor >= idleTimeout - TimeSpan.FromMilliseconds(100), $"closed after {idleFor}, before the idle timeout");
        Assert.Equal(NoError, idle.GoAwayError); // a graceful GOAWAY first

        // Both older connections were idle at least as long, and are still served.
        await SignOnStreamAsync(stream, 2, timeout.Token);
        Assert.Equal(KeylessOpcode.Pong, (await keyless.ExchangeAsync(KeylessTestClient.Ping(2, [2]), timeout.Token)).Opcode);
        await stream.RequestStream.CompleteAsync();
        Assert.False(await stream.ResponseStream.MoveNext(timeout.Token));
        Assert.Empty(host.ErrorLogs);
    }

    [Fact]
    public async Task DeadPeer_WithAnOpenCall_IsClosedByThePingTimeout_NotTheIdleTimeout_WhileALivePeerKeepsItsStream()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await fixture.StartAsync(
            new() { ["Grpc:IdleTimeout"] = "00:00:01", ["Grpc:KeepAlivePingDelay"] = "00:00:02", ["Grpc:KeepAlivePingTimeout"] = "00:00:01" }, null, timeout.Token);
        using var channel = host.CreateChannel();
        using var live = new KeyServerClient(channel).SignStream(cancellationToken: timeout.Token);
        await SignOnStreamAsync(live, 1, timeout.Token);

        // A peer that opens a SignStream and then sends nothing, not even PING acknowledgements.
        await using var dead = await RawHttp2Client.ConnectAsync(EndPoint(host), fixture.Tls.ClientCertificate, fixture.Tls.TrustedCa, timeout.Token);
        Assert.True(await dead.WaitForSettingsAsync(timeout.Token));
        await dead.OpenCallAsync(1, timeout.Token);
        var silentSince = Stopwatch.GetTimestamp();

        var silentFor = Stopwatch.GetElapsedTime(silentSince, await dead.Closed.WaitAsync(timeout.Token));

        // Ping after 2 s of silence, no answer within 1 s: closed; the 1 s idle timeout does not apply to an open call.
        Assert.True(silentFor >= TimeSpan.FromSeconds(2.9), $"closed after {silentFor} of silence, before the ping delay and timeout");
        Assert.Equal(InternalError, dead.GoAwayError);

        // The live peer was silent as long, answered the server's pings (SocketsHttpHandler does), and signs on.
        await SignOnStreamAsync(live, 2, timeout.Token);
        await live.RequestStream.CompleteAsync();
        Assert.False(await live.ResponseStream.MoveNext(timeout.Token));
    }

    [Fact]
    public async Task MessageLargerThanTheFlowControlWindows_StillArrives_BecauseKestrelCreditsWhatGrpcExamines()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await fixture.StartAsync(
            new()
            {
                ["Grpc:MaxReceiveMessageSize"] = "1048576",
                ["Grpc:InitialConnectionWindowSize"] = "65535",
                ["Grpc:InitialStreamWindowSize"] = "65535",
            },
            null,
            timeout.Token);
        using var channel = host.CreateChannel();
        using var stream = new KeyServerClient(channel).SignStream(cancellationToken: timeout.Token);

        // Four times both windows in one message: it can only arrive if the server grants credit
        // for the part Grpc.AspNetCore has examined but not yet consumed.
        var large = GrpcLimitsFixture.Request(7, "large");
        large.Payload = ByteString.CopyFrom(new byte[4 * 65535]);
        await stream.RequestStream.WriteAsync(large, timeout.Token);
        Assert.True(await stream.ResponseStream.MoveNext(timeout.Token));
        var answer = stream.ResponseStream.Current;

        Assert.Equal(7UL, answer.Id);
        Assert.Equal(ErrorCode.BadRequest, answer.Error.Code); // not a SHA-256 digest, but read whole
        await SignOnStreamAsync(stream, 8, timeout.Token);
        await stream.RequestStream.CompleteAsync();
        Assert.False(await stream.ResponseStream.MoveNext(timeout.Token));
    }

    private static System.Net.IPEndPoint EndPoint(KeyServerTestHost host) => new(System.Net.IPAddress.Loopback, host.Address.Port);

    private async Task SignOnStreamAsync(AsyncDuplexStreamingCall<SignRequest, SignResponse> stream, ulong id, CancellationToken cancellationToken)
    {
        var request = GrpcLimitsFixture.Request(id, "stream " + id);
        await stream.RequestStream.WriteAsync(request, cancellationToken);
        Assert.True(await stream.ResponseStream.MoveNext(cancellationToken));
        fixture.AssertSigned(request, stream.ResponseStream.Current);
    }
}
