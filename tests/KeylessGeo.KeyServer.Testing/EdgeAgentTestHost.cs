using System.Globalization;
using System.Net;
using Grpc.Net.Client;
using KeylessGeo.EdgeAgent.Hosting;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Testing;
using KeylessGeo.Transport.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>
/// An edge agent running in the test process on real sockets: its Keyless endpoint and its gRPC
/// endpoint on free loopback ports (and Unix sockets when asked), with mutual TLS material to
/// reach test keyservers.
/// </summary>
public sealed class EdgeAgentTestHost : IAsyncDisposable
{
    public const string AgentId = "agent-test-1";

    private readonly WebApplication _app;
    private readonly string _directory;

    private EdgeAgentTestHost(WebApplication app, string directory, IPEndPoint keyless, Uri grpc, CollectingLoggerProvider logs)
    {
        _app = app;
        _directory = directory;
        KeylessEndPoint = keyless;
        GrpcAddress = grpc;
        Logs = logs;
    }

    /// <summary>The Keyless protocol endpoint (plain TCP on loopback).</summary>
    public IPEndPoint KeylessEndPoint { get; }

    /// <summary>The metrics and health endpoint (<c>http://127.0.0.1:port/</c>).</summary>
    public Uri TelemetryAddress => Services.GetRequiredService<TelemetryEndpointState>().BaseAddress!;

    /// <summary>The gRPC endpoint (HTTP/2 without TLS on loopback).</summary>
    public Uri GrpcAddress { get; }

    public CollectingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts an agent of datacenter <paramref name="datacenter"/> whose client certificate comes from
    /// <paramref name="tls"/>; <paramref name="settings"/> add to or override the defaults (discovery
    /// off, loopback ports, no Unix sockets).
    /// </summary>
    public static async Task<EdgeAgentTestHost> StartAsync(TestTlsMaterial tls, string datacenter, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var directory = Directory.CreateTempSubdirectory("keylessgeo-agent-").FullName;
        var pem = tls.WritePem(directory);
        var configuration = new Dictionary<string, string?>
        {
            ["Agent:Id"] = AgentId,
            ["Agent:Datacenter"] = datacenter,
            ["Endpoint:KeylessPort"] = "0",
            ["Endpoint:GrpcPort"] = "0",
            ["Endpoint:KeylessUnixSocket"] = "",
            ["Endpoint:GrpcUnixSocket"] = "",
            ["Upstreams:Discover"] = "false",
            ["Telemetry:Prometheus:Port"] = "0",

            // Generous by default: a loaded test machine must not turn a slow first handshake into a
            // failure. Tests of the timeouts themselves set their own.
            ["Agent:DefaultDeadline"] = "00:00:30",
            ["Upstreams:Local:ConnectTimeout"] = "00:00:05",
            ["Upstreams:Local:RequestTimeout"] = "00:00:20",
            ["Upstreams:Datacenter:ConnectTimeout"] = "00:00:05",
            ["Upstreams:Datacenter:RequestTimeout"] = "00:00:20",
            ["Upstreams:CertificatePath"] = pem.ClientCertificate,
            ["Upstreams:KeyPath"] = pem.ClientKey,
            ["Upstreams:CaPath"] = pem.CaCertificate,
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        var logs = new CollectingLoggerProvider(LogLevel.Information);
        WebApplication? app = null;
        try
        {
            app = EdgeAgentApplication.Create([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(configuration);
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
            });
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(TimeSpan.FromSeconds(30));
            await app.StartAsync(startup.Token);
            var keyless = app.Services.GetRequiredService<KeylessListenerState>().EndPoint!;
            var telemetry = app.Services.GetRequiredService<TelemetryEndpointState>().EndPoint;
            var grpcPort = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)))
                .First(a => a.Port != keyless.Port && a.Port != telemetry?.Port && a.Scheme == Uri.UriSchemeHttp).Port;
            return new EdgeAgentTestHost(app, directory, keyless, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{grpcPort}")), logs);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A gRPC channel to the agent's loopback endpoint.</summary>
    public GrpcChannel CreateChannel() =>
        GrpcChannelFactory.Create(new ChannelSettings { Address = GrpcAddress.GetLeftPart(UriPartial.Authority), AllowInsecure = true });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
