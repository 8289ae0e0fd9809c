using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.Transport.Tls;

/// <summary>
/// Verifies a peer certificate against a configured CA only (never the system store):
/// the chain must end at one of the trusted roots, every certificate must be within its
/// validity period, and the leaf must allow the expected usage. Revocation is not checked.
/// </summary>
public static class CertificateValidation
{
    /// <summary>The TLS server authentication usage (1.3.6.1.5.5.7.3.1).</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    /// <summary>The TLS client authentication usage (1.3.6.1.5.5.7.3.2).</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>
    /// The chain policy for <see cref="System.Net.Security.SslStream"/>'s own chain build during
    /// the handshake (before <see cref="TryValidate"/> runs): no AIA certificate downloads and no
    /// revocation checks, so a peer certificate cannot make this process connect anywhere.
    /// </summary>
    public static X509ChainPolicy CreateHandshakePolicy() => new()
    {
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    /// <summary>
    /// True when <paramref name="certificate"/> chains to one of <paramref name="trustedRoots"/>.
    /// Intermediates the peer sent (<paramref name="peerChain"/>) are used to build the chain but
    /// are not trusted by themselves. <paramref name="error"/> explains a failure.
    /// </summary>
    public static bool TryValidate(
        X509Certificate2 certificate,
        X509Chain? peerChain,
        X509Certificate2Collection trustedRoots,
        Oid usage,
        out string? error)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trustedRoots);
        if (trustedRoots.Count == 0)
        {
            error = "No trusted CA is configured.";
            return false;
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(trustedRoots);
        policy.RevocationMode = X509RevocationMode.NoCheck;

        // Never fetch a missing issuer from the certificate's AIA URL: the peer would choose
        // where this process connects to (SSRF) and could stall the handshake for seconds.
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(usage);
        if (peerChain is not null)
        {
            foreach (var element in peerChain.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    policy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        if (chain.Build(certificate))
        {
            error = null;
            return true;
        }

        var reasons = new List<string>();
        foreach (var status in chain.ChainStatus)
        {
            reasons.Add($"{status.Status}: {status.StatusInformation.Trim()}");
        }

        error = $"Certificate '{certificate.Subject}' is not trusted: {string.Join("; ", reasons)}";
        return false;
    }
}
