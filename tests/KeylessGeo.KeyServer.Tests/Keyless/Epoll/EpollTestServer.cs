using System.Net;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Diagnostics;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Serving.Keyless.Epoll;
using KeylessGeo.Serving.Signing;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Keyless.Epoll;

/// <summary>
/// The epoll transport alone on 127.0.0.1:0 with mutual TLS, in front of a scripted signing core the
/// test completes from its own thread, optionally on a manual clock: what the transport does with a
/// late completion, a full socket, a drain or a stalled handshake, without a whole keyserver.
/// </summary>
internal sealed class EpollTestServer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _directory;
    private bool _stopped;

    private EpollTestServer(ServiceProvider services, EpollKeylessServer server, string directory, TestTlsMaterial tls, CapturingLoggerProvider logs)
    {
        _services = services;
        Server = server;
        _directory = directory;
        Tls = tls;
        Logs = logs;
    }

    public EpollKeylessServer Server { get; }

    public TestTlsMaterial Tls { get; }

    public CapturingLoggerProvider Logs { get; }

    public IPEndPoint EndPoint => Server.EndPoint ?? throw new InvalidOperationException("not started");

    public ResponseBudget Budget => _services.GetRequiredService<ResponseBudget>();

    public KeylessListenerState Listener => _services.GetRequiredService<KeylessListenerState>();

    /// <summary>The timeout monitor: it watches a connection from its accept on (its handshake included).</summary>
    public KeylessConnectionMonitor Monitor => _services.GetRequiredService<KeylessConnectionMonitor>();

    /// <summary>Starts a server with <paramref name="settings"/> (keys under <c>Keyless:</c>).</summary>
    public static async Task<EpollTestServer> StartAsync(
        TestTlsMaterial tls, ISigningService signing, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("keylessgeo-epoll-").FullName;
        var pem = tls.WritePem(directory);
        var context = EpollTlsContext.Create(pem.ServerCertificate, pem.ServerKey, pem.CaCertificate, out var error)
            ?? throw new InvalidOperationException(error);
        var logs = new CapturingLoggerProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSingleton(signing);
        services.AddSingleton(new ServingMeter("KeylessGeo.Tests.Epoll"));
        services.AddKeylessListener(configuration);
        services.AddEpollKeylessListener(new IPEndPoint(IPAddress.Loopback, 0), context);
        var provider = services.BuildServiceProvider();
        var server = provider.GetRequiredService<EpollKeylessServer>();
        await server.StartAsync(cancellationToken);
        return new EpollTestServer(provider, server, directory, tls, logs);
    }

    /// <summary>A connection with the trusted client certificate.</summary>
    public Task<KeylessTestClient> ConnectAsync(CancellationToken cancellationToken) =>
        KeylessTestClient.ConnectAsync(EndPoint, new KeylessTestClientOptions { TrustedCa = Tls.TrustedCa, ClientCertificate = Tls.ClientCertificate }, cancellationToken);

    /// <summary>Drains and stops the server (the host's stop); <paramref name="cancellationToken"/> is the host's stop timeout.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        return Server.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Server.StopAsync(quick.Token);
        }

        await _services.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
