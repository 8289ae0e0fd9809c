using System.Net;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Cluster.Membership;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace KeylessGeo.KeyServer.Cluster.Silo;

/// <summary>Hosts the keyserver's Orleans silo in the same host as Kestrel.</summary>
internal static class KeyServerSiloExtensions
{
    /// <summary>The Orleans service id shared by every KeylessGeo cluster.</summary>
    public const string ServiceId = "keylessgeo";

    /// <summary>
    /// Adds the silo: one cluster per region (<see cref="SiloIdentity.ClusterId"/>, settled before
    /// the host starts), silo metadata, membership as <c>Cluster:Membership</c> chooses, mutual
    /// TLS with the cluster CA, policy placement for key grains, and failure detection tuned so a
    /// killed keyserver is declared dead in about a second and a half.
    /// </summary>
    /// <exception cref="OptionsValidationException">The silo's certificate or CA cannot be loaded.</exception>
    public static void AddKeyServerSilo(this WebApplicationBuilder builder, ClusterOptions cluster, ListenOptions listen, SiloIdentity identity)
    {
        var silo = cluster.Silo;
        var (certificate, clusterCa) = LoadTls(silo, listen);
        var address = IPAddress.Parse(silo.Address);
        builder.Services.AddSingleton(identity);
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = identity.ClusterId;
                o.ServiceId = ServiceId;
            });
            orleans.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = address;
                o.SiloPort = silo.Port;
                o.SiloListeningEndpoint = new IPEndPoint(address, silo.Port);
                o.GatewayPort = 0;
            });
            orleans.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = silo.ProbeTimeout;
                o.NumMissedProbesLimit = silo.MissedProbesLimit;
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            });
            orleans.Configure<GrainCollectionOptions>(o =>
            {
                o.ClassSpecificCollectionAge[typeof(KeyGrain).FullName!] = silo.KeyIdleTimeout;
                if (silo.KeyIdleTimeout < o.CollectionQuantum * 2)
                {
                    o.CollectionQuantum = silo.KeyIdleTimeout / 2;
                }
            });
            orleans.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);
            orleans.UseSiloMetadata(identity.Metadata);
            orleans.AddPlacementDirector<PolicyPlacementStrategy, PolicyPlacementDirector>();
            orleans.UseTls(o => SiloTls.Configure(o, certificate, clusterCa));
            orleans.UseKeyServerMembership(cluster.Membership, cluster.Store);
        });
    }

    private static (System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate, System.Security.Cryptography.X509Certificates.X509Certificate2Collection Ca)
        LoadTls(SiloOptions silo, ListenOptions listen)
    {
        var certificatePath = silo.CertificatePath.Length > 0 ? silo.CertificatePath : listen.CertificatePath;
        var keyPath = silo.KeyPath.Length > 0 ? silo.KeyPath : listen.KeyPath;
        var caPath = silo.CaPath.Length > 0 ? silo.CaPath : listen.ClientCaPath;
        var failures = new List<string>();
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
        System.Security.Cryptography.X509Certificates.X509Certificate2Collection? ca = null;
        try
        {
            certificate = MutualTls.LoadPem(certificatePath, keyPath);
        }
        catch (InvalidOperationException e)
        {
            failures.Add($"Cluster:Silo: the silo certificate cannot be loaded ({e.Message}).");
        }

        try
        {
            ca = MutualTls.LoadPemBundle(caPath);
        }
        catch (InvalidOperationException e)
        {
            failures.Add($"Cluster:Silo:CaPath: the cluster CA cannot be loaded ({e.Message}).");
        }

        if (certificate is not null && ca is not null && !SiloTls.IsClusterMember(certificate, null, ca))
        {
            failures.Add(
                $"Cluster:Silo: the silo certificate '{certificate.Subject}' ({certificatePath}) must chain to the cluster CA ({caPath}) and carry both the server and the client authentication usages.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException("keyserver", typeof(SiloOptions), failures);
        }

        return (certificate!, ca!);
    }
}
