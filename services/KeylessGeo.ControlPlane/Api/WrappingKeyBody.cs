namespace KeylessGeo.ControlPlane.Api;

/// <summary>The body of <c>PUT /v1/datacenters/{id}/wrapping-key</c>.</summary>
public sealed record WrappingKeyBody
{
    /// <summary>PEM <c>PUBLIC KEY</c>, or base64 DER SubjectPublicKeyInfo, of the datacenter's P-256 wrapping key.</summary>
    public string? PublicKey { get; init; }
}
