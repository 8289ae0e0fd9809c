namespace KeylessGeo.ControlPlane.Keys;

/// <summary>The public facts of a key's certificate.</summary>
public sealed record CertificateView
{
    public required string Subject { get; init; }

    public required string Issuer { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>SHA-256 of the DER certificate, lowercase hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The certificate as PEM.</summary>
    public required string Pem { get; init; }
}
