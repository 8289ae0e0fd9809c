using KeylessGeo.ControlPlane.Hosting;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>Resolves the acting operator of a request (see <see cref="ActorResolver"/>).</summary>
internal static class Actors
{
    public static string Of(HttpContext context) =>
        ActorResolver.Resolve(context, context.RequestServices.GetRequiredService<ControlPlaneOptions>().LocalActor);
}
