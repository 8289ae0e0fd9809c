using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Diagnostics;
using KeylessGeo.Testing.Keyless;
using KeylessGeo.Transport.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>The Keyless port's connection limits, timeouts and response budget, over real mutual TLS on 127.0.0.1.</summary>
public abstract class KeylessLimitsEndToEndTests(KeylessFixture fixture)
{
    /// <summary>These tests on the default transport, Kestrel.</summary>
    [Collection(KeylessCollection.Name)]
    public sealed class OnKestrel(KeylessFixture fixture) : KeylessLimitsEndToEndTests(fixture);

    /// <summary>These tests on the epoll transport.</summary>
    [Collection(EpollKeylessCollection.Name)]
    public sealed class OnEpoll(EpollKeylessFixture fixture) : KeylessLimitsEndToEndTests(fixture);

    [Fact]
    public async Task HalfSentFrame_IsClosedAfterThePartialMessageTimeout_AndOtherConnectionsGoOn()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync(new() { ["Keyless:PartialMessageTimeout"] = "00:00:01" }, logs, timeout.Token);
        using var metrics = new MeterRecorder(host.Services);
        await using var stalled = await ConnectAsync(host, fixture.Tls.ClientCertificate, timeout.Token);
        await using var healthy = await ConnectAsync(host, fixture.Tls.ClientCertificate, timeout.Token);

        // Five bytes of a header, then nothing.
        await stalled.WriteAsync(KeylessTestClient.Ping(1, [1, 2, 3])[..5], timeout.Token);
        var stopwatch = Stopwatch.StartNew();
        Assert.Null(await KeylessFramingEndToEndTests.ReadOrNullAsync(stalled, timeout.Token));

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(0.9), $"closed after {stopwatch.Elapsed}, before the timeout");
        Assert.Equal(1, metrics.Sum(ServingInstruments.KeylessEnforcedCloses, (ServingInstruments.KeylessLimitTag, "partial_message_timeout")));

        // The handler logs the close as the connection ends, just after the client saw it.
        Assert.True(SpinWait.SpinUntil(() => host.Keyless.OpenConnections == 1, TimeSpan.FromSeconds(10)), "the stalled connection never ended");
        var warning = Assert.Single(logs.Entries, e => e.EventId.Name == "KeylessPartialMessageTimeout");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("(5 bytes of it received", warning.Message, StringComparison.Ordinal);
        var pong = await healthy.ExchangeAsync(KeylessTestClient.Ping(2, [9]), timeout.Token);
        Assert.Equal([9], pong.Payload);
        Assert.Empty(host.ErrorLogs);
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await StartAsync(new() { ["Keyless:IdleTimeout"] = "00:00:01.500" }, null, timeout.Token);
        using var metrics = new MeterRecorder(host.Services);
        await using var client = await ConnectAsync(host, fixture.Tls.ClientCertificate, timeout.Token);
        await client.ExchangeAsync(KeylessTestClient.Ping(1, [1]), timeout.Token);
        var stopwatch = Stopwatch.StartNew();

        Assert.Null(await KeylessFramingEndToEndTests.ReadOrNullAsync(client, timeout.Token));

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(1.4), $"closed after {stopwatch.Elapsed}, before the timeout");
        Assert.Equal(1, metrics.Sum(ServingInstruments.KeylessEnforcedCloses, (ServingInstruments.KeylessLimitTag, "idle_timeout")));
        await host.Keyless.WhenNoConnectionsAsync(timeout.Token);
    }

    [Fact]
    public async Task ConnectionLimits_RefuseTheExcessPerClientAndPerPort_AndCountThem()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync(new() { ["Keyless:MaxConnections"] = "3", ["Keyless:MaxConnectionsPerClient"] = "2" }, logs, timeout.Token);
        using var metrics = new MeterRecorder(host.Services);
        using var other = fixture.Tls.Ca.IssueClientCertificate("edge-test-2");
        var first = fixture.Tls.ClientCertificate;

        await using var a1 = await OpenAsync(host, first, timeout.Token);
        await using var a2 = await OpenAsync(host, first, timeout.Token);
        await using var a3 = await OpenAsync(host, first, timeout.Token);
        await using var b1 = await OpenAsync(host, other, timeout.Token);
        await using var b2 = await OpenAsync(host, other, timeout.Token);

        Assert.NotNull(a1);
        Assert.NotNull(a2);
        Assert.Null(a3); // the client's third
        Assert.NotNull(b1);
        Assert.Null(b2); // the port's fourth
        Assert.Equal(1, metrics.Sum(ServingInstruments.ConnectionsRefused, (ServingInstruments.ConnectionLimitTag, "client"), (ServingInstruments.EndpointTag, "keyless")));
        Assert.Equal(1, metrics.Sum(ServingInstruments.ConnectionsRefused, (ServingInstruments.ConnectionLimitTag, "endpoint")));

        // Throttled: one warning for the two refusals, naming the client.
        var warning = Assert.Single(logs.Entries, e => e.EventId.Name is "ConnectionRefusedClient" or "ConnectionRefusedEndpoint");
        Assert.Contains("CN=edge-test-1", warning.Message, StringComparison.Ordinal);

        // A closed connection gives its place back.
        await a1!.DisposeAsync();
        await using var a4 = await EventuallyOpenAsync(host, first, timeout.Token);
        Assert.Empty(host.ErrorLogs);
    }

    [Fact]
    public async Task UnreadPingEchoes_KeepTheQueuedBytesWithinTheBudget_AndAReadingClientIsStillAnswered()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        const int Flooders = 8;
        const long Budget = 1024 * 1024;
        await using var host = await StartAsync(
            new()
            {
                ["Keyless:ResponseBytesBudget"] = "1048576",
                ["Keyless:MaxResponseBytesPerConnection"] = "262144",
                ["Keyless:ResponseBudgetGracePeriod"] = "00:00:01",

                // The last flooders hold less than the budget and nobody waits: the idle timeout ends them.
                ["Keyless:IdleTimeout"] = "00:00:03",
            },
            null,
            timeout.Token);
        using var metrics = new MeterRecorder(host.Services);
        var budget = host.Services.GetRequiredService<ResponseBudget>();
        var flooders = Enumerable.Range(0, Flooders).Select(_ => FloodAsync(host, timeout.Token)).ToList();

        // Every flooder is closed for holding more than its share while others wait.
        await Task.WhenAll(flooders);
        await using var reader = await ConnectAsync(host, fixture.Tls.ClientCertificate, timeout.Token);
        for (uint id = 0; id < 32; id++)
        {
            var pong = await reader.ExchangeAsync(KeylessTestClient.Ping(id, new byte[16_000], pad: false), timeout.Token);
            Assert.Equal(KeylessOpcode.Pong, pong.Opcode);
        }

        Assert.InRange(budget.PeakBytes, Budget / 2, Budget);
        Assert.InRange(metrics.PollMax(ServingInstruments.QueuedResponseBytes), 0, Budget);
        Assert.InRange(metrics.Sum(ServingInstruments.KeylessEnforcedCloses, (ServingInstruments.KeylessLimitTag, "response_budget")), 1, Flooders);
        Assert.Empty(host.ErrorLogs);
    }

    private Task<KeyServerTestHost> StartAsync(Dictionary<string, string?> settings, CapturingLoggerProvider? logs, CancellationToken cancellationToken)
    {
        settings.TryAdd("KeyServer:Admission:DefaultDeadline", "00:01:00");
        settings.TryAdd("Keyless:Transport", fixture.Transport);
        return KeyServerTestHost.StartAsync(
            fixture.Keys.Path,
            fixture.Tls,
            new KeyServerTestHostOptions { Settings = settings, LoggerProviders = logs is null ? [] : [logs] },
            cancellationToken);
    }

    private Task<KeylessTestClient> ConnectAsync(KeyServerTestHost host, X509Certificate2 certificate, CancellationToken cancellationToken) =>
        KeylessTestClient.ConnectAsync(
            host.KeylessEndPoint!,
            new KeylessTestClientOptions { TrustedCa = fixture.Tls.TrustedCa, ClientCertificate = certificate },
            cancellationToken);

    /// <summary>A connection the server serves (it answered a ping), or null when it closed it instead.</summary>
    private async Task<KeylessTestClient?> OpenAsync(KeyServerTestHost host, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(host, certificate, cancellationToken);
        try
        {
            await client.WriteAsync(KeylessTestClient.Ping(1, [1]), cancellationToken);
            if (await KeylessFramingEndToEndTests.ReadOrNullAsync(client, cancellationToken) is { Opcode: KeylessOpcode.Pong })
            {
                return client;
            }
        }
        catch (IOException)
        {
            // Refused: the server closed it before the ping arrived.
        }

        await client.DisposeAsync();
        return null;
    }

    /// <summary>Opens a connection once the server has counted a closed one out (it does so right after the close).</summary>
    private async Task<KeylessTestClient> EventuallyOpenAsync(KeyServerTestHost host, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await OpenAsync(host, certificate, cancellationToken) is { } client)
            {
                return client;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Sends large pings and never reads; completes when the server closes the connection.</summary>
    private async Task FloodAsync(KeyServerTestHost host, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.KeylessEndPoint!, cancellationToken);
        await using var ssl = new SslStream(tcp.GetStream());
        var trusted = fixture.Tls.TrustedCa;
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificates = [fixture.Tls.ClientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    certificate is X509Certificate2 server &&
                    (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None &&
                    CertificateValidation.TryValidate(server, chain, trusted, CertificateValidation.ServerAuthentication, out string? _),
            },
            cancellationToken);
        var ping = KeylessTestClient.Ping(1, new byte[16_000], pad: false);
        try
        {
            while (true)
            {
                await ssl.WriteAsync(ping, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The server closed the connection.
        }
    }
}
