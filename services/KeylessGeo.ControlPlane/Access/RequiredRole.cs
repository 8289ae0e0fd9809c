namespace KeylessGeo.ControlPlane.Access;

/// <summary>Endpoint metadata: the role a route needs (see <see cref="AccessMiddleware"/> for routes without it).</summary>
/// <param name="Role">The role.</param>
public sealed record RequiredRole(ControlPlaneRoles Role);
