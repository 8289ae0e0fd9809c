using KeylessGeo.ControlPlane.Access;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>
/// The acting operator of a request, for the audit log: the identity <see cref="AccessMiddleware"/>
/// authenticated from the connection. Never a header (an <c>X-Actor</c> header is ignored).
/// </summary>
internal static class Actors
{
    public static string Of(HttpContext context) =>
        context.Features.Get<CallerIdentity>()?.Name
        ?? throw new InvalidOperationException("the request reached a route without passing access control");
}
