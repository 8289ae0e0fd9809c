using System.Net;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.Commands.DevCerts;

/// <summary>
/// The mutual-TLS material of a development or test deployment (docker-compose.yml, a test
/// cluster): one throwaway CA and, issued by it, the control plane's server certificate, an
/// operator's client certificate, one member certificate per datacenter's keyservers (server and
/// client usages: gRPC, Keyless, silo-to-silo and forwarding) and the edge agents' client
/// certificate. Certificates are written 0644, private keys PKCS#8 with mode 0600.
/// </summary>
public static class DevCertificateSet
{
    /// <summary>The CA certificate every process trusts.</summary>
    public const string CaCertificate = "ca.crt";

    /// <summary>The control plane's host name in the certificates (the compose service's name).</summary>
    public const string ControlPlaneHost = "controlplane";

    /// <summary>The operator's certificate subject, which the sample access grants name.</summary>
    public const string OperatorSubject = "CN=operator";

    /// <summary>The edge agents' certificate subject.</summary>
    public const string EdgeAgentSubject = "CN=edge-agent";

    /// <summary>The datacenters used when none is named (the demo's and docker-compose.yml's).</summary>
    public static IReadOnlyList<string> DefaultDatacenters { get; } = ["fra1", "ams1", "sfo1", "iad1"];

    /// <summary>The host name of a datacenter's keyservers in the certificates (the compose service's name).</summary>
    public static string KeyserverHost(string datacenter) => "keyserver-" + datacenter;

    /// <summary>Every file <see cref="Write"/> creates for <paramref name="datacenters"/>, by name.</summary>
    public static IReadOnlyList<string> FileNames(IEnumerable<string> datacenters)
    {
        ArgumentNullException.ThrowIfNull(datacenters);
        var names = new List<string> { CaCertificate };
        foreach (var stem in Stems(datacenters))
        {
            names.Add(stem + ".crt");
            names.Add(stem + ".key");
        }

        return names;
    }

    /// <summary>Writes the set into <paramref name="directory"/> (created when missing).</summary>
    public static void Write(string directory, IReadOnlyList<string> datacenters)
    {
        ArgumentNullException.ThrowIfNull(datacenters);
        Directory.CreateDirectory(directory);
        using var ca = DevelopmentCertificateAuthority.Create("KeylessGeo development CA");
        DevelopmentCertificateAuthority.WritePem(ca.Certificate, Path.Combine(directory, CaCertificate));
        using (var controlPlane = ca.IssueServerCertificate(ControlPlaneHost, [ControlPlaneHost, "localhost"]))
        {
            Save(controlPlane, directory, "controlplane");
        }

        using (var operatorCertificate = ca.IssueClientCertificate(OperatorSubject[3..]))
        {
            Save(operatorCertificate, directory, "operator");
        }

        using (var agent = ca.IssueClientCertificate(EdgeAgentSubject[3..]))
        {
            Save(agent, directory, "edge-agent");
        }

        foreach (var datacenter in datacenters)
        {
            var host = KeyserverHost(datacenter);
            using var member = ca.IssuePeerCertificate(host, [IPAddress.Loopback], [host, "localhost"]);
            Save(member, directory, host);
        }
    }

    private static IEnumerable<string> Stems(IEnumerable<string> datacenters) =>
        new[] { "controlplane", "operator", "edge-agent" }.Concat(datacenters.Select(KeyserverHost));

    private static void Save(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string directory, string stem) =>
        DevelopmentCertificateAuthority.WritePem(certificate, Path.Combine(directory, stem + ".crt"), Path.Combine(directory, stem + ".key"));
}
