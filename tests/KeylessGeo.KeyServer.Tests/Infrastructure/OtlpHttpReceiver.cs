using System.Net;
using System.Threading.Channels;
using KeylessGeo.Transport.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Infrastructure;

/// <summary>
/// A minimal OTLP/HTTP collector on 127.0.0.1 (HTTP/1.1, free port): it accepts
/// <c>POST /v1/metrics</c>, answers an empty (valid) protobuf response and hands each request
/// body to the test undecoded.
/// </summary>
internal sealed class OtlpHttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<byte[]> _bodies = Channel.CreateUnbounded<byte[]>();

    private OtlpHttpReceiver(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The base address (<c>http://127.0.0.1:PORT</c>), as an operator would configure it.</summary>
    public Uri Address { get; }

    public static async Task<OtlpHttpReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        OtlpHttpReceiver? receiver = null;
        app.MapPost("/v1/metrics", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            receiver!._bodies.Writer.TryWrite(body.ToArray());
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync(cancellationToken);
        var port = app.Services.GetRequiredService<IServer>().GetBoundAddresses()[0].Port;
        receiver = new OtlpHttpReceiver(app, new Uri($"http://127.0.0.1:{port}"));
        return receiver;
    }

    /// <summary>Waits for the first metrics request whose body contains <paramref name="text"/> as UTF-8.</summary>
    public async Task<byte[]> WaitForBodyContainingAsync(string text, CancellationToken cancellationToken)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        await foreach (var body in _bodies.Reader.ReadAllAsync(cancellationToken))
        {
            if (body.AsSpan().IndexOf(needle) >= 0)
            {
                return body;
            }
        }

        throw new InvalidOperationException("The receiver stopped.");
    }

    public async ValueTask DisposeAsync()
    {
        _bodies.Writer.TryComplete();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
