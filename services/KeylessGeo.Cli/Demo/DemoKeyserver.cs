using System.Net;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Transport.Channels;
using KeylessGeo.Transport.Kestrel;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.Cli.Demo;

/// <summary>One running demo keyserver: its application, its endpoints and a gRPC client for it.</summary>
public sealed class DemoKeyserver : IAsyncDisposable
{
    private readonly GrpcChannel _channel;

    private DemoKeyserver(string id, string datacenter, WebApplication app, int grpcPort, IPEndPoint keyless, GrpcChannel channel)
    {
        Id = id;
        Datacenter = datacenter;
        App = app;
        GrpcPort = grpcPort;
        Keyless = keyless;
        _channel = channel;
        Client = new KeyServerClient(channel);
    }

    public string Id { get; }

    public string Datacenter { get; }

    public WebApplication App { get; }

    public int GrpcPort { get; }

    public IPEndPoint Keyless { get; }

    public KeyServerClient Client { get; }

    /// <summary>Reads the bound ports of a started keyserver and opens a channel to it.</summary>
    public static DemoKeyserver Attach(string id, string datacenter, WebApplication app, DemoMaterial material)
    {
        var keyless = app.Services.GetRequiredService<KeylessListenerState>().EndPoint
            ?? throw new InvalidOperationException($"keyserver {id} has no Keyless endpoint");
        var grpcPort = app.Services.GetRequiredService<IServer>().GetBoundAddresses().First(address => address.Port != keyless.Port).Port;
        var channel = GrpcChannelFactory.Create(new ChannelSettings
        {
            Address = $"https://localhost:{grpcPort}",
            ClientCertificate = MutualTls.LoadPem(material.Tls("client.crt"), material.Tls("client.key")),
            TrustedCa = MutualTls.LoadPemBundle(material.Tls("ca.crt")),
        });
        return new DemoKeyserver(id, datacenter, app, grpcPort, keyless, channel);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
