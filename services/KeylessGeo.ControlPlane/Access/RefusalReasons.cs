namespace KeylessGeo.ControlPlane.Access;

/// <summary>Why a request was refused, as the <c>access.refused</c> audit entries say it.</summary>
public static class RefusalReasons
{
    /// <summary>401: the connection carried no identity.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>401: a change was attempted on the read-only plaintext endpoint.</summary>
    public const string ReadOnlyEndpoint = "read-only-endpoint";

    /// <summary>403: the identity is in no grant.</summary>
    public const string UnknownIdentity = "unknown-identity";

    /// <summary>403: the identity's grant lacks the role the route needs.</summary>
    public const string MissingRole = "missing-role";
}
