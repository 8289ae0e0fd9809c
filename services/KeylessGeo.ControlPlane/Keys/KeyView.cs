using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>A managed key's public facts (the wrapped private key only when asked for).</summary>
public sealed record KeyView
{
    public required string KeyId { get; init; }

    public required string PolicyId { get; init; }

    /// <summary>Starts at 1; rotation adds one.</summary>
    public required int Version { get; init; }

    /// <summary>As the keyserver reports it, e.g. <c>ecdsa-p256</c>, <c>rsa2048</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The Keyless SKI, 40 lowercase hex digits.</summary>
    public required string Ski { get; init; }

    /// <summary>The Keyless certificate digest (RSA only), 64 lowercase hex digits.</summary>
    public string? CertDigest { get; init; }

    /// <summary>The public key, PEM <c>PUBLIC KEY</c>.</summary>
    public required string PublicKeyPem { get; init; }

    public ImmutableArray<string> HostNames { get; init; } = [];

    public CertificateView? Certificate { get; init; }

    /// <summary>The policy-key generation the private key is wrapped under.</summary>
    public required int PolicyKeyGeneration { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The wrapped private-key blob, base64; only when explicitly requested. Opening it needs the policy key.</summary>
    public string? WrappedPrivateKey { get; init; }
}
