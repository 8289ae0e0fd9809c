using System.Collections.Concurrent;
using System.Net;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Testing;
using KeylessGeo.Transport.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Forwarding;

/// <summary>
/// A remote keyserver for forwarding tests: Kestrel with mutual TLS on 127.0.0.1 (free port)
/// serving <c>keylessgeo.v1.KeyServer</c> through Grpc.AspNetCore, answering as
/// <see cref="Behaviour"/> says (changeable while it runs), counting what it received.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private readonly ConcurrentQueue<string?> _forwardedBy = new();
    private readonly SemaphoreSlim _arrivals;
    private WebApplication? _app;
    private int _received;
    private volatile UpstreamBehaviour _behaviour;

    private FakeUpstream(string id, string datacenter, UpstreamBehaviour behaviour, SemaphoreSlim arrivals)
    {
        Id = id;
        Datacenter = datacenter;
        _behaviour = behaviour;
        _arrivals = arrivals;
    }

    public string Id { get; }

    public string Datacenter { get; }

    public UpstreamBehaviour Behaviour
    {
        get => _behaviour;
        set => _behaviour = value;
    }

    /// <summary>How many <c>Sign</c> calls arrived.</summary>
    public int ReceivedCount => Volatile.Read(ref _received);

    /// <summary>The <c>keylessgeo-forwarded-by</c> header of every call, in order (null when absent).</summary>
    public IReadOnlyList<string?> ForwardedBy => [.. _forwardedBy];

    /// <summary>The last request received.</summary>
    public SignRequest? LastRequest { get; private set; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Authority { get; private set; } = "";

    /// <summary>Starts a fake whose arrivals also release <paramref name="arrivals"/> (shared by a test's fakes).</summary>
    public static async Task<FakeUpstream> StartAsync(TestTlsMaterial tls, string id, string datacenter, UpstreamBehaviour behaviour, SemaphoreSlim arrivals)
    {
        var upstream = new FakeUpstream(id, datacenter, behaviour, arrivals);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(new GrpcListenOptions
        {
            TlsEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            MutualTls = tls.ServerOptions(),
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new FakeKeyServerService(upstream));
        var app = builder.Build();
        app.MapGrpcService<FakeKeyServerService>();
        upstream._app = app;
        try
        {
            using var guard = new CancellationTokenSource(ForwardingHarness.HangGuard);
            await app.StartAsync(guard.Token);
            upstream.Authority = $"127.0.0.1:{app.Services.GetRequiredService<IServer>().GetBoundAddresses()[0].Port}";
            return upstream;
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    public void Received(SignRequest request, string? forwardedBy)
    {
        LastRequest = request;
        _forwardedBy.Enqueue(forwardedBy);
        Interlocked.Increment(ref _received);
        _arrivals.Release();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(stop.Token);
            await app.DisposeAsync();
        }
    }
}
