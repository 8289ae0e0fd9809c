using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Serving.Diagnostics;
using KeylessGeo.Transport.Channels;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Grpc;

/// <summary>
/// The gRPC endpoints' connection limits over real mutual TLS and a Unix socket on 127.0.0.1.
/// Grpc.Net.Client opens one connection per channel, so N channels are N connections.
/// </summary>
public sealed class GrpcConnectionLimitsEndToEndTests(GrpcLimitsFixture fixture) : IClassFixture<GrpcLimitsFixture>
{
    [Fact]
    public async Task ExcessConnections_AreRefusedPerClientAndPerPort_WhileAnOpenChannelKeepsSigning()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var logs = new CapturingLoggerProvider();
        await using var host = await fixture.StartAsync(new() { ["Grpc:MaxConnections"] = "4", ["Grpc:MaxConnectionsPerClient"] = "2" }, logs, timeout.Token);
        using var metrics = new MeterRecorder(host.Services);
        using var other = fixture.Identity("edge-grpc-other");
        using var third = fixture.Identity("edge-grpc-third");
        var first = fixture.Tls.ClientCertificate;
        var channels = new List<GrpcChannel>();
        try
        {
            using var signer = host.CreateChannel(first);
            await fixture.SignAsync(signer, timeout.Token);

            Assert.True(await TryCallAsync(host, first, channels, timeout.Token)); // the client's second
            Assert.False(await TryCallAsync(host, first, channels, timeout.Token)); // its third: over the per-client limit
            Assert.True(await TryCallAsync(host, other, channels, timeout.Token));
            Assert.True(await TryCallAsync(host, other, channels, timeout.Token)); // the port's fourth
            Assert.False(await TryCallAsync(host, third, channels, timeout.Token)); // its fifth: over the port limit

            // The refused connections harmed nobody: the open channel signs on.
            await fixture.SignAsync(signer, timeout.Token);
            Assert.InRange(metrics.Sum(ServingInstruments.ConnectionsRefused, (ServingInstruments.EndpointTag, "grpc"), (ServingInstruments.ConnectionLimitTag, "client")), 1, 3);
            Assert.InRange(metrics.Sum(ServingInstruments.ConnectionsRefused, (ServingInstruments.EndpointTag, "grpc"), (ServingInstruments.ConnectionLimitTag, "endpoint")), 1, 3);
            var warning = Assert.Single(logs.Entries, e => e.EventId.Name is "ConnectionRefusedClient" or "ConnectionRefusedEndpoint");
            Assert.Contains("CN=edge-test-1", warning.Message, StringComparison.Ordinal);

            // A closed connection gives its place back (channels[0] is the first client's second).
            channels[0].Dispose();
            await EventuallyCallAsync(host, first, channels, timeout.Token);
            Assert.Empty(host.ErrorLogs);
        }
        finally
        {
            channels.ForEach(channel => channel.Dispose());
        }
    }

    [Fact]
    public async Task UnixSocketConnections_HaveNoIdentity_AndCountOnlyTowardsTheirOwnEndpointsMaximum()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var directory = Directory.CreateTempSubdirectory("keylessgeo-uds-limits-").FullName;
        var socket = Path.Combine(directory, "keyserver.sock");
        var channels = new List<GrpcChannel>();
        try
        {
            await using var host = await fixture.StartAsync(
                new() { ["Listen:UnixSocketPath"] = socket, ["Grpc:MaxConnections"] = "2", ["Grpc:MaxConnectionsPerClient"] = "1" }, null, timeout.Token);
            using var metrics = new MeterRecorder(host.Services);

            // A per-client limit of one does not apply: the socket's clients have no certificate.
            Assert.True(await TryCallAsync(() => Unix(socket), channels, timeout.Token));
            Assert.True(await TryCallAsync(() => Unix(socket), channels, timeout.Token));
            Assert.False(await TryCallAsync(() => Unix(socket), channels, timeout.Token));

            // The TLS endpoint counts its own connections.
            using var tls = host.CreateChannel();
            await fixture.SignAsync(tls, timeout.Token);
            Assert.InRange(metrics.Sum(ServingInstruments.ConnectionsRefused, (ServingInstruments.EndpointTag, "grpc-unix"), (ServingInstruments.ConnectionLimitTag, "endpoint")), 1, 3);
            Assert.Equal(0, metrics.Sum(ServingInstruments.ConnectionsRefused, (ServingInstruments.ConnectionLimitTag, "client")));
            Assert.Empty(host.ErrorLogs);
        }
        finally
        {
            channels.ForEach(channel => channel.Dispose());
            Directory.Delete(directory, recursive: true);
        }
    }

    private static GrpcChannel Unix(string socket) => GrpcChannelFactory.Create(new ChannelSettings { Address = "unix:" + socket });

    private static Task<bool> TryCallAsync(KeyServerTestHost host, X509Certificate2 certificate, List<GrpcChannel> channels, CancellationToken cancellationToken) =>
        TryCallAsync(() => host.CreateChannel(certificate), channels, cancellationToken);

    /// <summary>Makes a channel (a connection of its own) and calls GetCapacity: true when served (the channel is kept open), false when refused.</summary>
    private static async Task<bool> TryCallAsync(Func<GrpcChannel> create, List<GrpcChannel> channels, CancellationToken cancellationToken)
    {
        var channel = create();
        try
        {
            var capacity = await new KeyServerClient(channel).GetCapacityAsync(new GetCapacityRequest(), cancellationToken: cancellationToken);
            Assert.Equal(KeyServerTestHost.KeyServerId, capacity.ServedBy.KeyserverId);
            channels.Add(channel);
            return true;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal)
        {
            // Closed right after the handshake: the client learns it while reading the server's HTTP/2 preface.
            channel.Dispose();
            return false;
        }
    }

    /// <summary>Opens a served connection once the server has counted a closed one out (it does so as the close is processed).</summary>
    private static async Task EventuallyCallAsync(KeyServerTestHost host, X509Certificate2 certificate, List<GrpcChannel> channels, CancellationToken cancellationToken)
    {
        while (!await TryCallAsync(host, certificate, channels, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
