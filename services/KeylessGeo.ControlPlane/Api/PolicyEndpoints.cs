using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.ControlPlane.Api;

/// <summary><c>/v1/policies</c>.</summary>
internal static class PolicyEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/policies", (ControlPlaneServices services, CancellationToken cancellationToken) => services.Policies.ListAsync(cancellationToken));
        v1.MapPost("/policies", CreateAsync).RequireRole(ControlPlaneRoles.ChangePolicy);
        v1.MapPost("/policies/explain", ExplainAsync).RequireRole(ControlPlaneRoles.Read);
        v1.MapGet("/policies/{id}", (ControlPlaneServices services, string id, CancellationToken cancellationToken) => services.Policies.GetAsync(id, cancellationToken));
        v1.MapPut("/policies/{id}", UpdateAsync).RequireRole(ControlPlaneRoles.ChangePolicy);
        v1.MapDelete("/policies/{id}", (HttpContext http, ControlPlaneServices services, string id) => services.PolicyKeys.DeleteAsync(Actors.Of(http), id, http.RequestAborted))
            .RequireRole(ControlPlaneRoles.ChangePolicy);
        v1.MapPost("/policies/{id}/rotate-key", (HttpContext http, ControlPlaneServices services, string id) => services.PolicyKeys.RotateKeyAsync(Actors.Of(http), id, http.RequestAborted))
            .RequireRole(ControlPlaneRoles.ChangePolicy);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ControlPlaneServices services)
    {
        var body = await RequestBody.ReadAsync<PolicyBody>(http).ConfigureAwait(false);
        var request = new PolicyRequest { Id = body.Id ?? "", Policy = body.Input, Comment = body.Comment ?? "", Force = body.Force };
        var change = await services.Policies.CreateAsync(Actors.Of(http), request, http.RequestAborted).ConfigureAwait(false);
        return Results.Created($"/v1/policies/{Uri.EscapeDataString(change.Policy.Id)}", change);
    }

    private static async Task<PolicyChange> UpdateAsync(HttpContext http, ControlPlaneServices services, string id)
    {
        var body = await RequestBody.ReadAsync<PolicyBody>(http).ConfigureAwait(false);
        if (body.Id is not null && body.Id != id)
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, "id", $"the body names policy '{Ids.Printable(body.Id)}' but the path names '{Ids.Printable(id)}'");
        }

        var request = new PolicyRequest { Id = id, Policy = body.Input, Comment = body.Comment ?? "", Force = body.Force };
        return await services.Policies.UpdateAsync(Actors.Of(http), request, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<PolicyExplanation> ExplainAsync(HttpContext http, ControlPlaneServices services)
    {
        var body = await RequestBody.ReadAsync<ExplainBody>(http).ConfigureAwait(false);
        return await services.Policies.ExplainAsync(body.ToRequest(), http.RequestAborted).ConfigureAwait(false);
    }
}
