using System.Globalization;
using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Topology;
using KeylessGeo.KeyServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// A local multi-region cluster on one machine: the control plane and one keyserver per demo
/// datacenter, every one of them opening the same embedded store directory, as separate
/// processes on one machine would; the keyservers of a region form its Orleans cluster
/// (embedded membership beside the store, silo-to-silo mutual TLS with the demo CA).
/// </summary>
public sealed class DemoCluster : IAsyncDisposable
{
    /// <summary>The operator identity the demo acts as in the audit log.</summary>
    public const string Operator = "demo-operator";

    private readonly List<DemoKeyserver> _keyservers = [];

    private DemoCluster(WebApplication controlPlane, string storeDirectory)
    {
        ControlPlane = controlPlane;
        StoreDirectory = storeDirectory;
        Services = controlPlane.Services.GetRequiredService<ControlPlaneServices>();
        // The API's Unix socket (owner-only; the demo's own uid holds the admin role): the
        // keylessgeo control-plane commands reach it with --control-plane unix:PATH.
        ControlPlaneAddress = new Uri("unix:" + controlPlane.Services.GetRequiredService<ControlPlaneOptions>().Listen.UnixSocket.Path);
    }

    public WebApplication ControlPlane { get; }

    public Uri ControlPlaneAddress { get; }

    public ControlPlaneServices Services { get; }

    public string StoreDirectory { get; }

    public IReadOnlyList<DemoKeyserver> Keyservers => _keyservers;

    /// <summary>Starts the control plane, sets the topology, then starts the keyservers.</summary>
    public static async Task<DemoCluster> StartAsync(DemoMaterial material, CancellationToken cancellationToken)
    {
        var store = Path.Combine(material.Root, "store");
        var controlPlane = ControlPlaneApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ControlPlane:Store:Kind"] = "embedded",
            ["ControlPlane:Store:DataDirectory"] = store,
            ["ControlPlane:WrappingKeyPath"] = Path.Combine(material.Root, "control-plane-wrapping-key.pem"),
            ["ControlPlane:Listen:Port"] = "-1",
            ["ControlPlane:Listen:UnixSocket:Path"] = Path.Combine(material.Root, "controlplane.sock"),
            ["ControlPlane:Access:Grants:0:Uid"] = UnixAccounts.CurrentUserId().ToString(CultureInfo.InvariantCulture),
            ["ControlPlane:Access:Grants:0:Roles:0"] = "admin",
            ["Logging:LogLevel:Default"] = "Error",
        }));
        await controlPlane.StartAsync(cancellationToken);
        var cluster = new DemoCluster(controlPlane, store);
        try
        {
            await cluster.Services.Topology.ReplaceAsync(Operator, TopologyReplacement.FromJson(DemoDatacenters.TopologyJson), cancellationToken);
            foreach (var (id, datacenter) in DemoDatacenters.Keyservers)
            {
                var app = KeyServerApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(KeyserverConfiguration(material, store, id, datacenter)));
                await app.StartAsync(cancellationToken);
                cluster._keyservers.Add(DemoKeyserver.Attach(id, datacenter, app, material));
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var keyserver in _keyservers)
        {
            await keyserver.DisposeAsync();
        }

        await ControlPlane.StopAsync(CancellationToken.None);
        await ControlPlane.DisposeAsync();
    }

    /// <summary>A loopback port free right now (Orleans needs its silo port before it binds).</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Dictionary<string, string?> KeyserverConfiguration(DemoMaterial material, string store, string id, string datacenter)
    {
        var home = Directory.CreateDirectory(Path.Combine(material.Root, "keyservers", id)).FullName;
        var keys = Directory.CreateDirectory(Path.Combine(home, "keys")).FullName;
        return new()
        {
            ["KeyServer:Id"] = id,
            ["KeyServer:Datacenter"] = datacenter,
            ["KeyServer:KeysDirectory"] = keys,
            ["KeyServer:Admission:CalibrationDuration"] = "00:00:00",
            ["Listen:Address"] = "127.0.0.1",
            ["Listen:Port"] = "0",
            ["Listen:CertificatePath"] = material.Tls("server.crt"),
            ["Listen:KeyPath"] = material.Tls("server.key"),
            ["Listen:ClientCaPath"] = material.Tls("ca.crt"),
            ["Keyless:Port"] = "0",
            ["Telemetry:Prometheus:Port"] = "0",
            ["Cluster:Enabled"] = "true",
            ["Cluster:Silo:Port"] = FreeLoopbackPort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:Silo:CertificatePath"] = material.Tls("member.crt"),
            ["Cluster:Silo:KeyPath"] = material.Tls("member.key"),
            ["Cluster:Store:Kind"] = "embedded",
            ["Cluster:Store:DataDirectory"] = store,
            ["Cluster:WrappingKeyPath"] = Path.Combine(home, "wrapping-key.pem"),
            ["Logging:LogLevel:Default"] = "Error",
        };
    }
}
