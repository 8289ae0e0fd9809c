namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// The class of a control-plane error; the HTTP API maps each to one status code
/// (see <c>Api/ProblemResults</c>).
/// </summary>
public enum ErrorKind
{
    /// <summary>The request cannot be understood: malformed JSON, a bad id, a policy syntax error (400).</summary>
    Syntax,

    /// <summary>An id in the request names nothing (404).</summary>
    NotFound,

    /// <summary>The request conflicts with the current state: a duplicate id, a policy in use, a concurrent change (409).</summary>
    Conflict,

    /// <summary>The request is well formed but not acceptable: an empty permitted set, a malformed key, a wrong passphrase (422).</summary>
    Invalid,

    /// <summary>The store could not be reached; nothing was applied and the request may be retried (503).</summary>
    Unavailable,

    /// <summary>The control plane itself is misconfigured (for example its wrapping key was replaced); nothing was applied (500).</summary>
    Internal,

    /// <summary>The request would write more records than one request may (413).</summary>
    TooLarge,

    /// <summary>The request carries no identity allowed to change anything: no client certificate, or the read-only plaintext endpoint (401).</summary>
    Unauthenticated,

    /// <summary>The caller's identity holds no role that allows the request (403).</summary>
    Forbidden,
}
