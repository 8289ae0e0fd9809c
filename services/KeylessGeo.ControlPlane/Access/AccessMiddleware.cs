using KeylessGeo.ControlPlane.Api;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// Authenticates and authorises every request before it reaches a route. The identity comes from
/// the connection, never from the request (an <c>X-Actor</c> header is ignored): the client
/// certificate on the mutual-TLS endpoint, the peer's uid on the Unix socket, anonymous on the
/// read-only plaintext endpoint. The role needed is the route's <see cref="RequiredRole"/>; a route
/// without one needs <c>read</c> for GET and HEAD and <c>admin</c> otherwise; the health endpoints
/// need only an identity. A refusal is a 401 or 403 problem and is audited
/// (<see cref="RefusalAuditor"/>).
/// </summary>
internal sealed class AccessMiddleware
{
    private static readonly HashSet<string> HealthPaths = new(StringComparer.OrdinalIgnoreCase) { "/healthz", "/readyz" };

    private readonly RequestDelegate _next;
    private readonly AccessPolicy _policy;
    private readonly RefusalAuditor _auditor;

    public AccessMiddleware(RequestDelegate next, AccessPolicy policy, RefusalAuditor auditor)
    {
        _next = next;
        _policy = policy;
        _auditor = auditor;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var identity = Resolve(context);
        var required = RequiredFor(context);
        if (identity is null)
        {
            return RefuseAsync(context, "(none)", RefusalReasons.Unauthenticated, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated,
                "the connection carries no identity: use the Unix socket or the mutual-TLS endpoint with an operator certificate");
        }

        context.Features.Set(identity);
        var (held, granted) = _policy.RolesOf(identity);
        if ((held & required) == required)
        {
            return _next(context);
        }

        var what = $"{Ids.Printable(context.Request.Method)} {Ids.Printable(context.Request.Path.Value ?? "/")}";
        var needs = RoleNames.Of(required);
        return identity.Kind switch
        {
            IdentityKind.Anonymous => RefuseAsync(context, identity.Name, RefusalReasons.ReadOnlyEndpoint, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated,
                $"the plaintext endpoint is read-only: {what} needs the {needs} role and an authenticated identity (the Unix socket, or mutual TLS with an operator certificate)"),
            _ when !granted => RefuseAsync(context, identity.Name, RefusalReasons.UnknownIdentity, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                $"{identity.Name} is not granted any role (ControlPlane:Access:Grants), so it may not {what}, which needs {needs}"),
            _ => RefuseAsync(context, identity.Name, RefusalReasons.MissingRole, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                $"{identity.Name} holds {RoleNames.Describe(held)}; {what} needs {needs}"),
        };
    }

    /// <summary>The identity of the request's connection, or null when it has none.</summary>
    internal static CallerIdentity? Resolve(HttpContext context)
    {
        var access = context.Features.Get<ConnectionAccessFeature>();
        return access?.Listener switch
        {
            ListenerKind.MutualTls => context.Connection.ClientCertificate is { } certificate ? CallerIdentity.FromCertificate(CertificateSubjects.Of(certificate), CertificateSubjects.KeyOf(certificate)) : null,
            ListenerKind.UnixSocket => access.Peer,
            ListenerKind.Plaintext => CallerIdentity.Anonymous,
            _ => null,
        };
    }

    private static ControlPlaneRoles RequiredFor(HttpContext context)
    {
        var request = context.Request;
        var reading = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (reading && HealthPaths.Contains(request.Path.Value ?? ""))
        {
            return ControlPlaneRoles.None;
        }

        return context.GetEndpoint()?.Metadata.GetMetadata<RequiredRole>()?.Role
            ?? (reading ? ControlPlaneRoles.Read : ControlPlaneRoles.Admin);
    }

    // The method and path are the caller's choice: escaped and cut to 140 characters (Ids.Printable)
    // before they reach the audit log or a message.
    private async Task RefuseAsync(HttpContext context, string identity, string reason, int status, string code, string detail)
    {
        _auditor.Record(new Refusal(identity, Ids.Printable(context.Request.Method), Ids.Printable(context.Request.Path.Value ?? "/"), reason, status));

        // A refused import still sent its private key: read it out of the server's buffers and zero it.
        await SecretBodyReader.DiscardAsync(context, KeyRequestReader.MaxBodyBytes).ConfigureAwait(false);
        var exception = new ControlPlaneException(status == StatusCodes.Status401Unauthorized ? ErrorKind.Unauthenticated : ErrorKind.Forbidden, code, detail,
            [new FieldError("identity", detail)]);
        await ProblemResults.WriteAsync(context, ProblemResults.From(exception)).ConfigureAwait(false);
    }
}
