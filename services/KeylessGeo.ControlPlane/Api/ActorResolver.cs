using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>
/// Who is acting, for the audit log: the client certificate's subject on the mutual-TLS endpoint
/// (an <c>X-Actor</c> header is ignored there); on the loopback plaintext endpoint, the
/// <c>X-Actor</c> header when present (anyone on the host can act anyway, so it only labels the
/// change), otherwise the configured local actor.
/// </summary>
internal static class ActorResolver
{
    /// <summary>The header a loopback client may name itself with.</summary>
    public const string Header = "X-Actor";

    private const int MaxLength = 200;

    public static string Resolve(HttpContext context, string localActor)
    {
        if (context.Connection.ClientCertificate is { } certificate)
        {
            return certificate.Subject;
        }

        var claimed = context.Request.Headers[Header].ToString();
        if (claimed.Length == 0)
        {
            return localActor;
        }

        if (claimed.Length > MaxLength || claimed.Any(char.IsControl) || claimed.Trim().Length == 0)
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, Header, $"the {Header} header must be 1–{MaxLength} printable characters");
        }

        return claimed.Trim();
    }
}
