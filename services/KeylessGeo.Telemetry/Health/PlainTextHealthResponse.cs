using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeylessGeo.Telemetry.Health;

/// <summary>
/// Writes a health report as plain text: <c>ok</c> when nothing failed, otherwise the name of each
/// failing check on its own line (descriptions stay in the logs: they can name files and keys).
/// </summary>
internal static class PlainTextHealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder();
        foreach (var (name, entry) in report.Entries)
        {
            if (entry.Status == HealthStatus.Unhealthy)
            {
                text.Append(name).Append('\n');
            }
        }

        if (text.Length == 0)
        {
            text.Append("ok\n");
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }
}
