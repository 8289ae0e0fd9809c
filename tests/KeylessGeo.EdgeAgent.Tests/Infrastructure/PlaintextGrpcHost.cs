using System.Net;
using KeylessGeo.Serving.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.EdgeAgent.Tests.Infrastructure;

/// <summary>
/// Hosts one test implementation of <c>keylessgeo.v1.KeyServer</c> over HTTP/2 without TLS on a
/// free loopback port: the stand-in keyservers (silent, overloaded for a key) are built on it.
/// </summary>
public sealed class PlaintextGrpcHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlaintextGrpcHost(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Its gRPC address (<c>http://127.0.0.1:port</c>).</summary>
    public string Address { get; }

    /// <summary>Starts serving <paramref name="service"/>.</summary>
    public static async Task<PlaintextGrpcHost> StartAsync<TService>(TService service)
        where TService : KeyServerServiceBase
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(service);
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGrpcService<TService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PlaintextGrpcHost(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
