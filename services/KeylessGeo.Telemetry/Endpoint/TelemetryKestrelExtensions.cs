using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KeylessGeo.Telemetry.Endpoint;

/// <summary>Adds the telemetry endpoint to Kestrel.</summary>
public static class TelemetryKestrelExtensions
{
    /// <summary>
    /// When <paramref name="prometheus"/> is enabled, listens on its address and port with plain
    /// HTTP/1.1 (what Prometheus and curl speak; no TLS: bind it to loopback or a management
    /// network) and marks its connections so that only the telemetry paths answer on them
    /// (<see cref="TelemetryEndpointExtensions.UseTelemetryEndpoint"/>). The bound address is
    /// published through <paramref name="state"/> and the server's addresses.
    /// </summary>
    public static KestrelServerOptions ListenTelemetry(this KestrelServerOptions kestrel, PrometheusOptions prometheus, TelemetryEndpointState state)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(prometheus);
        ArgumentNullException.ThrowIfNull(state);
        if (!prometheus.Enabled)
        {
            return kestrel;
        }

        kestrel.Listen(new IPEndPoint(IPAddress.Parse(prometheus.Address), prometheus.Port), listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(TelemetryConnectionMark.Mark);
            state.Attach(listen);
        });
        return kestrel;
    }
}
