using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>Host names and IP addresses a certificate is valid for.</summary>
internal static class CertificateNames
{
    /// <summary>SAN DNS names (or the CN when the certificate has no SAN DNS name) and SAN IPs.</summary>
    public static (IReadOnlyList<string> HostNames, IReadOnlyList<byte[]> IpAddresses) Read(X509Certificate2 certificate)
    {
        var names = new List<string>();
        var ips = new List<byte[]>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                foreach (var ip in san.EnumerateIPAddresses())
                {
                    ips.Add(Normalize(ip));
                }
            }
        }

        if (names.Count == 0)
        {
            var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (!string.IsNullOrEmpty(commonName))
            {
                names.Add(commonName);
            }
        }

        return (names, ips);
    }

    /// <summary>IPv4-mapped IPv6 addresses are indexed and looked up as IPv4.</summary>
    public static byte[] Normalize(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).GetAddressBytes();
}
