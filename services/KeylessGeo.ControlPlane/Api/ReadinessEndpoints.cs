using KeylessGeo.ControlPlane.Health;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>
/// <c>/readyz</c>: 200 when the store is intact, readable and the last commit went through; 503
/// with every problem otherwise (JSON: <see cref="ReadinessReport"/>). <c>/healthz</c> stays the
/// liveness probe (the process answers and the store is reachable).
/// </summary>
internal static class ReadinessEndpoints
{
    public static void Map(WebApplication app) => app.MapGet("/readyz", ReadyAsync);

    private static async Task<IResult> ReadyAsync(HttpContext http, StoreReadiness readiness)
    {
        var report = await readiness.CheckAsync(http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(report, ApiJson.Options, statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
