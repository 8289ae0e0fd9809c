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

namespace KeylessGeo.KeyServer.Testing.Otlp;

/// <summary>
/// A minimal OTLP/HTTP collector on 127.0.0.1 (HTTP/1.1, free port): it accepts
/// <c>POST /v1/metrics</c> and <c>POST /v1/traces</c>, answers an empty (valid) protobuf response
/// and hands each request body to the test.
/// </summary>
public sealed class OtlpHttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<byte[]> _metrics;
    private readonly Channel<byte[]> _traces;

    private OtlpHttpReceiver(WebApplication app, Channel<byte[]> metrics, Channel<byte[]> traces)
    {
        _app = app;
        _metrics = metrics;
        _traces = traces;
        var port = app.Services.GetRequiredService<IServer>().GetBoundAddresses()[0].Port;
        Address = new Uri($"http://127.0.0.1:{port}");
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
        var metrics = Channel.CreateUnbounded<byte[]>();
        var traces = Channel.CreateUnbounded<byte[]>();
        app.MapPost("/v1/metrics", context => ReceiveAsync(context, metrics));
        app.MapPost("/v1/traces", context => ReceiveAsync(context, traces));
        await app.StartAsync(cancellationToken);
        return new OtlpHttpReceiver(app, metrics, traces);
    }

    /// <summary>Waits for the first metrics request whose body contains <paramref name="text"/> as UTF-8.</summary>
    public async Task<byte[]> WaitForBodyContainingAsync(string text, CancellationToken cancellationToken)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        await foreach (var body in _metrics.Reader.ReadAllAsync(cancellationToken))
        {
            if (body.AsSpan().IndexOf(needle) >= 0)
            {
                return body;
            }
        }

        throw new InvalidOperationException("The receiver stopped.");
    }

    /// <summary>
    /// Collects exported spans until <paramref name="done"/> holds for all received so far, and
    /// returns them.
    /// </summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForSpansAsync(Func<IReadOnlyList<OtlpSpan>, bool> done, CancellationToken cancellationToken)
    {
        var spans = new List<OtlpSpan>();
        await foreach (var body in _traces.Reader.ReadAllAsync(cancellationToken))
        {
            spans.AddRange(OtlpTraceParser.Parse(body));
            if (done(spans))
            {
                return spans;
            }
        }

        throw new InvalidOperationException("The receiver stopped.");
    }

    public async ValueTask DisposeAsync()
    {
        _metrics.Writer.TryComplete();
        _traces.Writer.TryComplete();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private static async Task ReceiveAsync(HttpContext context, Channel<byte[]> bodies)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        bodies.Writer.TryWrite(body.ToArray());
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
    }
}
