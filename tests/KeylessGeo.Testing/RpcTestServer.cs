using System.Net;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Transport.Kestrel;
using KeylessGeo.Transport.Tls;
using KeylessGeo.Rpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a free port, HTTP/2 with mutual TLS, hosting the
/// RPC methods a test maps. Error-level log entries are collected in <see cref="ErrorLogs"/>.
/// </summary>
public sealed class RpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RpcTestServer(WebApplication app, Uri address, TestTlsMaterial tls, CollectingLoggerProvider logs)
    {
        _app = app;
        Address = address;
        Tls = tls;
        Logs = logs;
    }

    /// <summary>The https address with the bound port.</summary>
    public Uri Address { get; }

    /// <summary>The certificates in use.</summary>
    public TestTlsMaterial Tls { get; }

    /// <summary>Error-level log messages written so far.</summary>
    public IReadOnlyList<string> ErrorLogs => Logs.Errors;

    private CollectingLoggerProvider Logs { get; }

    /// <summary>Starts a server; <paramref name="map"/> maps the methods under test.</summary>
    public static async Task<RpcTestServer> StartAsync(
        TestTlsMaterial tls,
        Action<IEndpointRouteBuilder> map,
        Action<RpcServerOptions>? configure = null,
        MutualTlsOptions? mutualTls = null)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Testing" });
        var logs = new CollectingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(new GrpcListenOptions
        {
            TlsEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            MutualTls = mutualTls ?? tls.ServerOptions(),
        }));
        builder.Services.AddRpcServer(configure);
        var app = builder.Build();
        map(app);
        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(startup.Token);
        var address = app.Services.GetRequiredService<IServer>().GetBoundAddresses()[0];
        return new RpcTestServer(app, new Uri($"https://127.0.0.1:{address.Port}"), tls, logs);
    }

    /// <summary>A channel to this server presenting <paramref name="clientCertificate"/> (the trusted client certificate by default).</summary>
    public RpcChannel CreateChannel(X509Certificate2? clientCertificate = null, int? maxReceiveMessageSize = null, bool noClientCertificate = false)
        => new(new RpcChannelOptions
        {
            Address = Address,
            ClientCertificate = noClientCertificate ? null : clientCertificate ?? Tls.ClientCertificate,
            TrustedCa = Tls.TrustedCa,
            MaxReceiveMessageSize = maxReceiveMessageSize ?? Rpc.Framing.GrpcFrame.DefaultMaxMessageSize,
        });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
