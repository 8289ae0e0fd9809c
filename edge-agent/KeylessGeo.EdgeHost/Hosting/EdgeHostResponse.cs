using System.Globalization;
using Microsoft.AspNetCore.Connections.Features;

namespace KeylessGeo.EdgeHost.Hosting;

/// <summary>The small response the edge host serves: who answered, for which name, over which TLS.</summary>
internal static class EdgeHostResponse
{
    public static Task WriteAsync(HttpContext context, string hostId)
    {
        var tls = context.Features.Get<ITlsHandshakeFeature>();
        var name = tls?.HostName is { Length: > 0 } sni ? sni : context.Request.Host.Host;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var body = string.Create(
            CultureInfo.InvariantCulture,
            $"keylessgeo edge host {hostId}: {name} over {tls?.Protocol.ToString() ?? "plaintext"} ({tls?.NegotiatedCipherSuite.ToString() ?? "none"}), {context.Request.Protocol}\n");
        return context.Response.WriteAsync(body);
    }
}
