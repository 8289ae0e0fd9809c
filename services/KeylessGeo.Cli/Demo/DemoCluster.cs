using System.Globalization;
using KeylessGeo.Cli.Demo.Processes;
using KeylessGeo.ControlPlane.Access;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// The local cluster as separate OS processes on 127.0.0.1: the control plane on the embedded
/// store (its HTTP API on a Unix socket), one keyserver per datacenter (the keyservers of a region
/// form its Orleans cluster, membership beside the store, silo-to-silo mutual TLS), one edge agent
/// per datacenter in front of it, and (when the OpenSSL engine is built) one edge host per
/// datacenter in front of that agent. Disposing stops them in reverse order (edge hosts, agents,
/// keyservers, control plane), each with SIGTERM, a bounded wait, then SIGKILL.
/// </summary>
public sealed class DemoCluster : IAsyncDisposable
{
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(15);
    private readonly List<DemoKeyserverNode> _keyservers = [];
    private readonly List<DemoAgentNode> _agents = [];
    private readonly List<DemoEdgeHostNode> _edgeHosts = [];
    private DemoCluster(DemoMaterial material, ChildProcess controlPlane, DemoControlPlane api)
    {
        Material = material;
        ControlPlane = controlPlane;
        Api = api;
    }

    public DemoMaterial Material { get; }

    /// <summary>The embedded store every process opens.</summary>
    public string StoreDirectory => Path.Combine(Material.Root, "store");

    public ChildProcess ControlPlane { get; }

    public DemoControlPlane Api { get; }

    public IReadOnlyList<DemoKeyserverNode> Keyservers => _keyservers;

    public IReadOnlyList<DemoAgentNode> Agents => _agents;

    /// <summary>The edge hosts (none when the engine is not built).</summary>
    public IReadOnlyList<DemoEdgeHostNode> EdgeHosts => _edgeHosts;

    /// <summary>Every process started so far, in start order.</summary>
    public IEnumerable<ChildProcess> Processes => new[] { ControlPlane }.Concat(_keyservers.Select(k => k.Process)).Concat(_agents.Select(a => a.Process)).Concat(_edgeHosts.Select(h => h.Process));

    /// <summary>Starts the control plane process and waits until its API answers.</summary>
    public static async Task<DemoCluster> StartControlPlaneAsync(DemoMaterial material, CancellationToken cancellationToken)
    {
        var socket = Path.Combine(material.Root, "controlplane.sock");
        var settings = new Dictionary<string, string>
        {
            ["ControlPlane:Store:Kind"] = "embedded",
            ["ControlPlane:Store:DataDirectory"] = Path.Combine(material.Root, "store"),
            ["ControlPlane:WrappingKeyPath"] = Path.Combine(material.Root, "control-plane-wrapping-key.pem"),
            ["ControlPlane:Listen:Port"] = "-1",
            ["Telemetry:Prometheus:Port"] = "0",
            ["ControlPlane:Listen:UnixSocket:Path"] = socket,
            ["ControlPlane:Listen:UnixSocket:Mode"] = "0600",
            ["ControlPlane:Access:Grants:0:Uid"] = UnixAccounts.CurrentUserId().ToString(CultureInfo.InvariantCulture),
            ["ControlPlane:Access:Grants:0:Roles:0"] = "admin",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var process = ChildProcess.Start("control-plane", DotnetHost.ControlPlane, settings, Path.Combine(material.Root, "logs"));
        var cluster = new DemoCluster(material, process, new DemoControlPlane(socket));
        try
        {
            await cluster.Api.WaitHealthyAsync(process, TimeSpan.FromSeconds(60), cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts every keyserver at once (the topology must be set: each reads its region from it) and waits until all are ready.</summary>
    public async Task StartKeyserversAsync(CancellationToken cancellationToken)
    {
        // Ports are chosen just before the processes start: the longer a chosen port waits, the
        // likelier an outgoing connection takes it as its local port.
        var ports = DemoPorts.Allocate(DemoDatacenters.All.Count * 4);
        foreach (var datacenter in DemoDatacenters.All)
        {
            _keyservers.Add(DemoKeyserverNode.Start(datacenter, Material, StoreDirectory, ports));
        }

        await Task.WhenAll(_keyservers.Select(k => DemoReadiness.WaitAsync(k.Process, k.MetricsPort, TimeSpan.FromSeconds(180), cancellationToken)));
    }

    /// <summary>Starts an edge agent per datacenter in front of its keyserver; with its Keyless Unix socket when edge hosts will use it.</summary>
    public void StartAgents(bool withKeylessSocket)
    {
        var ports = DemoPorts.Allocate(_keyservers.Count * 3);
        foreach (var keyserver in _keyservers)
        {
            _agents.Add(DemoAgentNode.Start(keyserver, Material, ports, withKeylessSocket));
        }
    }

    /// <summary>Waits until every agent has a keyserver to send requests to.</summary>
    public Task WaitForAgentsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_agents.Select(a => DemoReadiness.WaitAsync(a.Process, a.MetricsPort, TimeSpan.FromSeconds(180), cancellationToken)));

    /// <summary>
    /// Starts an edge host per datacenter in front of its agent, loading <paramref name="engine"/>.
    /// A host needs only the certificates and the engine to start (keys are opened without asking
    /// the agent), so the hosts start while the agents do.
    /// </summary>
    public void StartEdgeHosts(string engine)
    {
        var ports = DemoPorts.Allocate(_agents.Count * 2);
        foreach (var agent in _agents)
        {
            _edgeHosts.Add(DemoEdgeHostNode.Start(agent, Material, engine, ports));
        }
    }

    /// <summary>Waits until every edge host listens (it reports ready once its TLS listener is up).</summary>
    public Task WaitForEdgeHostsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_edgeHosts.Select(h => DemoReadiness.WaitAsync(h.Process, h.MetricsPort, TimeSpan.FromSeconds(180), cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        // Front to back: nothing is left sending to a keyserver that is already gone.
        await Task.WhenAll(_edgeHosts.Select(h => h.Process.StopAsync(StopPatience)));
        await Task.WhenAll(_agents.Select(a => a.Process.StopAsync(StopPatience)));
        await Task.WhenAll(_keyservers.Select(k => k.Process.StopAsync(StopPatience)));
        await ControlPlane.StopAsync(StopPatience);
        foreach (var host in _edgeHosts)
        {
            await host.Process.DisposeAsync();
        }

        foreach (var agent in _agents)
        {
            agent.Dispose();
            await agent.Process.DisposeAsync();
        }

        foreach (var keyserver in _keyservers)
        {
            await keyserver.Process.DisposeAsync();
        }

        await ControlPlane.DisposeAsync();
        Api.Dispose();
    }
}
