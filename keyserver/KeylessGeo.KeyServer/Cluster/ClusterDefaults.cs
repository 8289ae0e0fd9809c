using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Settings of the cluster that default to other settings, added as the lowest-priority
/// configuration source so any explicit value wins: the silo's certificate, key and CA default
/// to the <c>Listen</c> endpoint's, and the certificate this keyserver presents to keyservers of
/// other regions (and the CA it trusts them by) defaults to the silo's: one member certificate
/// with both usages, one cluster CA.
/// </summary>
internal static class ClusterDefaults
{
    private static readonly (string Key, string[] From)[] Defaults =
    [
        ("Cluster:Silo:CertificatePath", ["Listen:CertificatePath"]),
        ("Cluster:Silo:KeyPath", ["Listen:KeyPath"]),
        ("Cluster:Silo:CaPath", ["Listen:ClientCaPath"]),
        ("Cluster:Forwarding:ClientCertificatePath", ["Cluster:Silo:CertificatePath", "Listen:CertificatePath"]),
        ("Cluster:Forwarding:ClientKeyPath", ["Cluster:Silo:KeyPath", "Listen:KeyPath"]),
        ("Cluster:Forwarding:TrustedCaPath", ["Cluster:Silo:CaPath", "Listen:ClientCaPath"]),
    ];

    public static void Apply(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, from) in Defaults)
        {
            if (!string.IsNullOrEmpty(configuration[key]))
            {
                continue;
            }

            foreach (var source in from)
            {
                if (!string.IsNullOrEmpty(configuration[source]))
                {
                    values[key] = configuration[source];
                    break;
                }
            }
        }

        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = values });
    }
}
