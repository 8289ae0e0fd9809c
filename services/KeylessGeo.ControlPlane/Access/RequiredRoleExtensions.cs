namespace KeylessGeo.ControlPlane.Access;

/// <summary>Declares the role a route needs where it is mapped.</summary>
internal static class RequiredRoleExtensions
{
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, ControlPlaneRoles role)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredRole(role));
}
