using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>
/// A private key under control-plane management: its public facts in the clear, the private key
/// only wrapped with its policy's key. The plaintext is never stored.
/// </summary>
public sealed record ManagedKeyRecord
{
    /// <summary>Operator-chosen id, unique.</summary>
    public required string KeyId { get; init; }

    public required string PolicyId { get; init; }

    /// <summary>Starts at 1; rotation (new private key under the same id) adds one.</summary>
    public required int Version { get; init; }

    /// <summary>Algorithm name as the keyserver reports it, e.g. <c>ecdsa-p256</c>, <c>rsa-2048</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public required byte[] SubjectPublicKeyInfo { get; init; }

    /// <summary>SKI as the Keyless protocol defines it (20 bytes).</summary>
    public required byte[] Ski { get; init; }

    /// <summary>Keyless certificate digest (32 bytes), RSA only.</summary>
    public byte[]? CertDigest { get; init; }

    /// <summary>The certificate (PEM) when one was imported with the key.</summary>
    public string? CertificatePem { get; init; }

    /// <summary>Host names the key serves (from the certificate, or given at import), for SNI lookup.</summary>
    public ImmutableArray<string> HostNames { get; init; } = [];

    /// <summary>
    /// The IP addresses of the certificate's subject alternative names (4 or 16 bytes each;
    /// IPv4-mapped IPv6 as IPv4; see <see cref="CertificateSubjectNames"/>), for lookup by server
    /// IP, written by the control plane with the certificate so a keyserver need not parse it; empty
    /// without a certificate or without SAN IPs. Null: not recorded (a record written before the
    /// field existed), and a reader that needs them reads <see cref="CertificatePem"/>.
    /// </summary>
    public ImmutableArray<byte[]>? IpAddresses { get; init; }

    /// <summary>The policy key generation <see cref="WrappedPrivateKey"/> is wrapped under.</summary>
    public required int PolicyKeyGeneration { get; init; }

    /// <summary>The placement library's wrapped private-key blob (PKCS#8 inside).</summary>
    public required byte[] WrappedPrivateKey { get; init; }

    /// <summary>
    /// The digest of the bulky fields (<see cref="WrappedPrivateKey"/>, <see cref="SubjectPublicKeyInfo"/>,
    /// <see cref="CertificatePem"/>; <see cref="ManagedKeyContent.Digest(ManagedKeyRecord)"/>), so a reader
    /// that has it can tell whether they changed without holding or hashing them. Maintained by the
    /// store: computed when the record is written (whatever the writer set), and filled in on read
    /// for a record stored before the field existed, so every record a store returns has it.
    /// </summary>
    public byte[]? ContentDigest { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
