using System.Net;
using KestrelListenOptions = Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions;

namespace KeylessGeo.Telemetry.Endpoint;

/// <summary>Where the telemetry endpoint listens, seen from outside (tests, logs, embedders).</summary>
public sealed class TelemetryEndpointState
{
    private KestrelListenOptions? _listen;

    /// <summary>The listening address with its bound port once the server has started; null when disabled.</summary>
    public IPEndPoint? EndPoint => _listen?.IPEndPoint;

    /// <summary>The endpoint's base address (<c>http://127.0.0.1:2406</c>) once bound; null when disabled.</summary>
    public Uri? BaseAddress => EndPoint is { } endPoint ? new Uri($"http://{endPoint}") : null;

    internal void Attach(KestrelListenOptions listen) => _listen = listen;
}
