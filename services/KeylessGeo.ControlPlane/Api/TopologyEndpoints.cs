using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Topology;

namespace KeylessGeo.ControlPlane.Api;

/// <summary><c>/v1/topology</c> and <c>/v1/datacenters/{id}/wrapping-key</c>.</summary>
internal static class TopologyEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/topology", (ControlPlaneServices services, CancellationToken cancellationToken) => services.Topology.GetAsync(cancellationToken));
        v1.MapPut("/topology", ReplaceAsync).RequireRole(ControlPlaneRoles.ChangePolicy);
        v1.MapPut("/datacenters/{id}/wrapping-key", RegisterAsync).RequireRole(ControlPlaneRoles.ChangePolicy);
    }

    private static async Task<TopologyChange> ReplaceAsync(HttpContext http, ControlPlaneServices services, bool? force)
    {
        using var reader = new StreamReader(http.Request.Body);
        var json = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        var replacement = TopologyReplacement.FromJson(json, force ?? false);
        return await services.Topology.ReplaceAsync(Actors.Of(http), replacement, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<WrappingKeyRegistration> RegisterAsync(HttpContext http, ControlPlaneServices services, string id)
    {
        var body = await RequestBody.ReadAsync<WrappingKeyBody>(http).ConfigureAwait(false);
        return await services.WrappingKeys.RegisterAsync(Actors.Of(http), id, body.PublicKey ?? "", http.RequestAborted).ConfigureAwait(false);
    }
}
