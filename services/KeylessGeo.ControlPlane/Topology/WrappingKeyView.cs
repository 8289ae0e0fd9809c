namespace KeylessGeo.ControlPlane.Topology;

/// <summary>A datacenter's registered wrapping public key (the public half only).</summary>
public sealed record WrappingKeyView
{
    public required string Datacenter { get; init; }

    /// <summary>First 16 bytes of SHA-256 over the DER SubjectPublicKeyInfo, lowercase hex.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The public key as PEM (<c>PUBLIC KEY</c>).</summary>
    public required string PublicKeyPem { get; init; }

    public required DateTimeOffset RegisteredAt { get; init; }
}
