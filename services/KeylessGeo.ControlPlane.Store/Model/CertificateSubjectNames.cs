using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>
/// The host names and IP addresses a certificate is valid for, read one way by the control plane
/// (which records them in <see cref="ManagedKeyRecord"/>) and the keyserver (which indexes them).
/// </summary>
public static class CertificateSubjectNames
{
    /// <summary>SAN DNS names (or the CN when the certificate has no SAN DNS name) and SAN IP addresses (<see cref="Normalize"/>d), in certificate order.</summary>
    public static (ImmutableArray<string> HostNames, ImmutableArray<byte[]> IpAddresses) Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var names = ImmutableArray.CreateBuilder<string>();
        var ips = ImmutableArray.CreateBuilder<byte[]>();
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

        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } commonName)
        {
            names.Add(commonName);
        }

        return (names.DrainToImmutable(), ips.Count == 0 ? [] : ips.DrainToImmutable());
    }

    /// <summary>
    /// The SAN IP addresses of the first certificate of <paramref name="certificatePem"/>; empty for
    /// null or empty text. Throws <see cref="CryptographicException"/> when it holds no readable certificate.
    /// </summary>
    public static ImmutableArray<byte[]> IpAddresses(string? certificatePem)
    {
        if (string.IsNullOrEmpty(certificatePem))
        {
            return [];
        }

        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        return Read(certificate).IpAddresses;
    }

    /// <summary>An address as it is recorded and looked up: IPv4-mapped IPv6 addresses as IPv4.</summary>
    public static byte[] Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).GetAddressBytes();
    }
}
