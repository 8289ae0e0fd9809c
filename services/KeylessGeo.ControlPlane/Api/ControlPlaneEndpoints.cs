using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>Maps the HTTP API: a thin layer over <see cref="ControlPlaneServices"/>.</summary>
public static class ControlPlaneEndpoints
{
    /// <summary>Adds the error handling, access control and every route (<c>/v1/...</c>, <c>/healthz</c> and <c>/readyz</c>).</summary>
    public static WebApplication MapControlPlaneApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseMiddleware<AccessMiddleware>();
        var v1 = app.MapGroup("/v1");
        TopologyEndpoints.Map(v1);
        PolicyEndpoints.Map(v1);
        KeyEndpoints.Map(v1);
        AuditEndpoints.Map(v1);
        app.MapGet("/healthz", HealthAsync);
        ReadinessEndpoints.Map(app);
        return app;
    }

    private static async Task<IResult> HealthAsync(IControlPlaneStore store, CancellationToken cancellationToken)
    {
        try
        {
            var revision = await store.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
            return Results.Ok(new { status = "ok", store = store.Kind, revision });
        }
        catch (StoreUnavailableException ex)
        {
            throw ChangeCommitter.Unavailable("health check", ex);
        }
    }
}
