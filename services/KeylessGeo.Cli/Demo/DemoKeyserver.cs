using System.Net;
using KeylessGeo.KeyServer.Keyless;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Transport.Kestrel;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.Cli.Demo;

/// <summary>One running demo keyserver: its application, its endpoints and a gRPC channel to it.</summary>
public sealed class DemoKeyserver : IAsyncDisposable
{
    private DemoKeyserver(string id, string datacenter, WebApplication app, int grpcPort, IPEndPoint keyless, RpcChannel channel)
    {
        Id = id;
        Datacenter = datacenter;
        App = app;
        GrpcPort = grpcPort;
        Keyless = keyless;
        Channel = channel;
    }

    public string Id { get; }

    public string Datacenter { get; }

    public WebApplication App { get; }

    public int GrpcPort { get; }

    public IPEndPoint Keyless { get; }

    public RpcChannel Channel { get; }

    /// <summary>Reads the bound ports of a started keyserver and opens a channel to it.</summary>
    public static DemoKeyserver Attach(string id, string datacenter, WebApplication app, DemoMaterial material)
    {
        var keyless = app.Services.GetRequiredService<KeylessListenerState>().EndPoint
            ?? throw new InvalidOperationException($"keyserver {id} has no Keyless endpoint");
        var grpcPort = app.Services.GetRequiredService<IServer>().GetBoundAddresses().First(address => address.Port != keyless.Port).Port;
        var channel = new RpcChannel(new RpcChannelOptions
        {
            Address = new Uri($"https://localhost:{grpcPort}"),
            ClientCertificate = MutualTls.LoadPem(material.Tls("client.crt"), material.Tls("client.key")),
            TrustedCa = MutualTls.LoadPemBundle(material.Tls("ca.crt")),
        });
        return new DemoKeyserver(id, datacenter, app, grpcPort, keyless, channel);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
