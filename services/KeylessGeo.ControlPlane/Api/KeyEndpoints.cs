using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Api;

/// <summary><c>/v1/keys</c>.</summary>
internal static class KeyEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/keys", (ControlPlaneServices services, string? policy, CancellationToken cancellationToken) => services.Keys.ListAsync(policy, cancellationToken));
        v1.MapPost("/keys", ImportAsync).RequireRole(ControlPlaneRoles.OperateKeys);
        v1.MapGet("/keys/{id}", GetAsync);
        v1.MapDelete("/keys/{id}", (HttpContext http, ControlPlaneServices services, string id) => services.Keys.RemoveAsync(Actors.Of(http), id, http.RequestAborted))
            .RequireRole(ControlPlaneRoles.OperateKeys);
        v1.MapPost("/keys/{id}/rotate", RotateAsync).RequireRole(ControlPlaneRoles.OperateKeys);
        // Moving a key to another policy changes where it may be used: a policy decision.
        v1.MapPut("/keys/{id}/policy", AttachAsync).RequireRole(ControlPlaneRoles.ChangePolicy);
        v1.MapGet("/keys/{id}/placement", (ControlPlaneServices services, string id, CancellationToken cancellationToken) => services.Placement.GetAsync(id, cancellationToken));
    }

    private static Task<KeyView> GetAsync(ControlPlaneServices services, string id, string? include, CancellationToken cancellationToken)
    {
        if (include is not null and not "wrapped")
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, "include", $"include must be 'wrapped', not '{Ids.Printable(include)}'");
        }

        return services.Keys.GetAsync(id, include == "wrapped", cancellationToken);
    }

    private static async Task<IResult> ImportAsync(HttpContext http, ControlPlaneServices services)
    {
        using var fields = await KeyRequestReader.ReadAsync(http, withIds: true).ConfigureAwait(false);
        var request = new ImportKeyRequest
        {
            KeyId = fields.KeyId ?? "",
            PolicyId = fields.Policy ?? "",
            PrivateKey = fields.PrivateKey,
            CertificatePem = fields.Certificate,
            HostNames = fields.HostNames,
        };
        var change = await services.Keys.ImportAsync(Actors.Of(http), request, http.RequestAborted).ConfigureAwait(false);
        return Results.Created($"/v1/keys/{Uri.EscapeDataString(change.Key.KeyId)}", change);
    }

    private static async Task<KeyChange> RotateAsync(HttpContext http, ControlPlaneServices services, string id)
    {
        using var fields = await KeyRequestReader.ReadAsync(http, withIds: false).ConfigureAwait(false);
        var request = new RotateKeyRequest { KeyId = id, PrivateKey = fields.PrivateKey, CertificatePem = fields.Certificate, HostNames = fields.HostNames };
        return await services.Keys.RotateAsync(Actors.Of(http), request, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<KeyChange> AttachAsync(HttpContext http, ControlPlaneServices services, string id)
    {
        var body = await RequestBody.ReadAsync<AttachBody>(http).ConfigureAwait(false);
        return await services.Keys.AttachAsync(Actors.Of(http), id, body.Policy ?? "", http.RequestAborted).ConfigureAwait(false);
    }
}
