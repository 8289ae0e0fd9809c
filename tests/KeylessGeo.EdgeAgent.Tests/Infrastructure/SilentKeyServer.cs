using System.Net;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
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
/// A keyserver that takes requests and never answers (a stuck or hopelessly slow one): gRPC over
/// HTTP/2 without TLS on a loopback port; counts the requests it read.
/// </summary>
public sealed class SilentKeyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Service _service;

    private SilentKeyServer(WebApplication app, Service service, string address)
    {
        _app = app;
        _service = service;
        Address = address;
    }

    /// <summary>Its gRPC address (<c>http://127.0.0.1:port</c>).</summary>
    public string Address { get; }

    /// <summary>Requests read so far.</summary>
    public int Received => _service.Received;

    public static async Task<SilentKeyServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var service = new Service();
        builder.Services.AddSingleton(service);
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SilentKeyServer(app, service, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private sealed class Service : KeyServerServiceBase
    {
        private int _received;

        public int Received => Volatile.Read(ref _received);

        public override async Task<SignResponse> Sign(SignRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref _received);
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public override async Task SignStream(IAsyncStreamReader<StreamedSignRequest> requestStream, IServerStreamWriter<SignResponse> responseStream, ServerCallContext context)
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                Interlocked.Increment(ref _received);
            }
        }

        public override Task<Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context) => Task.FromResult(new Capacity());

        public override Task WatchKeyservers(WatchKeyserversRequest request, IServerStreamWriter<KeyserverList> responseStream, ServerCallContext context) =>
            Task.Delay(Timeout.Infinite, context.CancellationToken);
    }
}
