using KeylessGeo.ControlPlane.Audit;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Api;

/// <summary><c>/v1/audit</c>, <c>/v1/audit/verify</c> and <c>/v1/keyservers</c>.</summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/audit", (ControlPlaneServices services, long? from, int? limit, CancellationToken cancellationToken) =>
            services.Audit.ListAsync(from ?? 1, limit ?? 100, cancellationToken));
        v1.MapGet("/audit/verify", (ControlPlaneServices services, CancellationToken cancellationToken) => services.Audit.VerifyAsync(cancellationToken));
        v1.MapGet("/keyservers", (ControlPlaneServices services, CancellationToken cancellationToken) => services.Keyservers.ListAsync(cancellationToken));
    }
}
