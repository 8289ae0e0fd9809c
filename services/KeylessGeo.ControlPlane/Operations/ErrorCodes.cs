namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// The stable codes of <see cref="ControlPlaneException"/>; the HTTP API reports them as the
/// problem type <c>urn:keylessgeo:problem:CODE</c>. docs/CONTROL-PLANE.md lists each.
/// </summary>
public static class ErrorCodes
{
    /// <summary>400: the request body is not valid JSON or lacks a required field.</summary>
    public const string InvalidRequest = "invalid-request";

    /// <summary>400: an id does not follow the id syntax.</summary>
    public const string InvalidId = "invalid-id";

    /// <summary>400: the policy text or JSON does not parse.</summary>
    public const string PolicySyntax = "policy-syntax";

    /// <summary>400: a host name is not a valid DNS name.</summary>
    public const string InvalidHostName = "invalid-host-name";

    /// <summary>404: no such policy.</summary>
    public const string PolicyNotFound = "policy-not-found";

    /// <summary>404: no such key.</summary>
    public const string KeyNotFound = "key-not-found";

    /// <summary>404: no such datacenter in the topology.</summary>
    public const string DatacenterNotFound = "datacenter-not-found";

    /// <summary>409: a policy with this id exists.</summary>
    public const string PolicyExists = "policy-exists";

    /// <summary>409: a key with this id exists.</summary>
    public const string KeyExists = "key-exists";

    /// <summary>409: the same key pair is already managed under another id (or is the current version).</summary>
    public const string DuplicateKeyMaterial = "duplicate-key-material";

    /// <summary>409: the policy still governs keys.</summary>
    public const string PolicyInUse = "policy-in-use";

    /// <summary>409: the store kept changing under the operation; nothing was applied, try again.</summary>
    public const string ConcurrentChange = "concurrent-change";

    /// <summary>409: the store holds <c>ControlPlane:Limits:MaxPolicies</c> policies; delete one or raise the limit.</summary>
    public const string PolicyLimitReached = "policy-limit-reached";

    /// <summary>409: the store holds <c>ControlPlane:Limits:MaxKeys</c> keys; remove one or raise the limit.</summary>
    public const string KeyLimitReached = "key-limit-reached";

    /// <summary>413: the request would write more policy or key records than one request may.</summary>
    public const string RequestTooLarge = "request-too-large";

    /// <summary>422: the topology is invalid (every error listed).</summary>
    public const string InvalidTopology = "invalid-topology";

    /// <summary>422: the new topology would leave a policy invalid (empty, below minimum, naming a removed datacenter).</summary>
    public const string TopologyBreaksPolicy = "topology-breaks-policy";

    /// <summary>422: the policy is invalid against the topology (every error listed).</summary>
    public const string InvalidPolicy = "invalid-policy";

    /// <summary>422: the datacenter public key is not a P-256 SubjectPublicKeyInfo.</summary>
    public const string InvalidWrappingKey = "invalid-wrapping-key";

    /// <summary>422: the private key is not a readable PEM private key.</summary>
    public const string MalformedPem = "malformed-pem";

    /// <summary>422: the private key is encrypted and no passphrase was given.</summary>
    public const string PassphraseRequired = "passphrase-required";

    /// <summary>422: the passphrase does not decrypt the private key.</summary>
    public const string WrongPassphrase = "wrong-passphrase";

    /// <summary>422: the key type, curve or size is not supported.</summary>
    public const string UnsupportedKey = "unsupported-key";

    /// <summary>422: the certificate is not a readable PEM certificate.</summary>
    public const string MalformedCertificate = "malformed-certificate";

    /// <summary>422: the certificate's public key is not the private key's.</summary>
    public const string CertificateMismatch = "certificate-mismatch";

    /// <summary>422: a stored blob could not be opened with the control plane's wrapping key.</summary>
    public const string ControlPlaneKeyMismatch = "control-plane-key-mismatch";

    /// <summary>503: the store is unreachable; nothing was applied.</summary>
    public const string StoreUnavailable = "store-unavailable";

    /// <summary>503: the store was changed behind the control plane's back (a state file or audit log that no longer matches); commits are refused until an operator repairs it.</summary>
    public const string StoreIntegrity = "store-integrity";

    /// <summary>401: no identity that may change anything (no client certificate, or the read-only plaintext endpoint).</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>403: the caller's identity holds no role that allows the request.</summary>
    public const string Forbidden = "forbidden";
}
