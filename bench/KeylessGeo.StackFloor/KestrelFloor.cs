using System.Net;
using KeylessGeo.Transport.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.StackFloor;

/// <summary>
/// Layers 2 and 3 on Kestrel: mutual TLS 1.3 with <c>UseHttps</c>, then either the Keyless
/// connection handler (<see cref="FloorStack.Kestrel"/>) or HTTP/2 with Grpc.AspNetCore serving
/// <c>SignStream</c> (<see cref="FloorStack.Grpc"/>). No logging below warnings, no metrics.
/// </summary>
internal static class KestrelFloor
{
    /// <summary>Builds the server on 127.0.0.1:<paramref name="port"/>; start it, then read its port with <see cref="BoundPort"/>.</summary>
    public static WebApplication Build(FloorStack stack, int port, FloorKeys keys, FloorTls tls, FloorCounters counters)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(counters);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        if (stack == FloorStack.Grpc)
        {
            builder.Services.AddGrpc();
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.UseHttps(https => tls.Configure(https, alpn: stack == FloorStack.Grpc));
            if (stack == FloorStack.Grpc)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
            else
            {
                listen.UseConnectionHandler<FloorConnectionHandler>();
            }
        }));
        var app = builder.Build();
        if (stack == FloorStack.Grpc)
        {
            app.MapGrpcService<FloorKeyServerService>();
        }

        return app;
    }

    /// <summary>The port the started server bound.</summary>
    public static int BoundPort(WebApplication app) => app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().GetBoundAddresses()[0].Port;
}
