using System.Security.Cryptography.X509Certificates;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Host names and IP addresses a certificate is valid for, for key files and tokens: read as the
/// control plane records them for managed keys (<see cref="CertificateSubjectNames"/>), so a key is
/// found by the same names whichever way it reached the keyserver.
/// </summary>
internal static class CertificateNames
{
    /// <summary>SAN DNS names (or the CN when the certificate has no SAN DNS name) and SAN IPs.</summary>
    public static (IReadOnlyList<string> HostNames, IReadOnlyList<byte[]> IpAddresses) Read(X509Certificate2 certificate)
    {
        var (names, ips) = CertificateSubjectNames.Read(certificate);
        return (names, ips);
    }
}
