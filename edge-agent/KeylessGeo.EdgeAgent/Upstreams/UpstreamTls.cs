using System.Security.Cryptography.X509Certificates;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>The client certificate the agent presents to keyservers and the CA it trusts for them, loaded once.</summary>
internal sealed record UpstreamTls(X509Certificate2? ClientCertificate, X509Certificate2Collection? TrustedCa)
{
    /// <summary>Loads the files named in <paramref name="options"/>; none when none are set.</summary>
    public static UpstreamTls Load(UpstreamOptions options) =>
        options.CertificatePath.Length == 0
            ? new UpstreamTls(null, null)
            : new UpstreamTls(MutualTls.LoadPem(options.CertificatePath, options.KeyPath), MutualTls.LoadPemBundle(options.CaPath));
}
