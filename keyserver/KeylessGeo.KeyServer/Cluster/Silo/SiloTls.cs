using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Transport.Tls;
using Orleans.Connections.Security;

namespace KeylessGeo.KeyServer.Cluster.Silo;

/// <summary>
/// Silo-to-silo mutual TLS: each silo presents its certificate as server and as client, and
/// accepts a peer only when the peer's certificate chains to the cluster CA and carries both the
/// server and the client authentication usages (every member is both). Host names are not
/// checked: silos address each other by IP, and the cluster CA issues member certificates only.
/// No certificate downloads, no revocation fetches.
/// </summary>
internal static class SiloTls
{
    public static void Configure(TlsOptions options, X509Certificate2 certificate, X509Certificate2Collection clusterCa)
    {
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.CheckCertificateRevocation = false;
        options.RemoteCertificateValidation = (peer, chain, _) => IsClusterMember(peer, chain, clusterCa);
    }

    /// <summary>True when <paramref name="peer"/> is a certificate the cluster CA issued to a member.</summary>
    public static bool IsClusterMember(X509Certificate2? peer, X509Chain? chain, X509Certificate2Collection clusterCa) =>
        peer is not null
        && CertificateValidation.TryValidate(peer, chain, clusterCa, CertificateValidation.ServerAuthentication, out _)
        && CertificateValidation.TryValidate(peer, chain, clusterCa, CertificateValidation.ClientAuthentication, out _);
}
