using System.Globalization;
using Grpc.Net.Client;
using KeylessGeo.Cli.Demo.Processes;
using KeylessGeo.Transport.Channels;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// One datacenter's edge agent process: the local endpoint a TLS terminator talks to (gRPC and
/// the Keyless protocol on loopback ports, and the Keyless protocol on a Unix socket in the data
/// directory, which the datacenter's edge host uses), its node-local keyserver being the datacenter's.
/// </summary>
public sealed class DemoAgentNode : IDisposable
{
    private readonly GrpcChannel _channel;

    private DemoAgentNode(DemoDatacenter datacenter, ChildProcess process, int grpcPort, int keylessPort, int metricsPort, string keylessSocket)
    {
        KeylessSocket = keylessSocket;
        Datacenter = datacenter;
        Process = process;
        GrpcPort = grpcPort;
        KeylessPort = keylessPort;
        MetricsPort = metricsPort;
        _channel = GrpcChannelFactory.Create(new ChannelSettings { Address = $"http://127.0.0.1:{Text(grpcPort)}", AllowInsecure = true });
        Client = new KeyServerClient(_channel);
    }

    public DemoDatacenter Datacenter { get; }

    public ChildProcess Process { get; }

    /// <summary>gRPC (HTTP/2 without TLS, loopback).</summary>
    public int GrpcPort { get; }

    /// <summary>The Keyless protocol (plain TCP, loopback).</summary>
    public int KeylessPort { get; }

    /// <summary>The Keyless protocol on a Unix socket (mode 0660), for the edge host's OpenSSL engine; empty when there is none.</summary>
    public string KeylessSocket { get; }

    /// <summary>Metrics, <c>/healthz</c> and <c>/readyz</c>.</summary>
    public int MetricsPort { get; }

    /// <summary>A gRPC client of the agent, as a terminator would hold.</summary>
    public KeyServerClient Client { get; }

    /// <summary>Starts the agent of <paramref name="keyserver"/>'s datacenter on ports taken from <paramref name="ports"/> (and its Keyless Unix socket when asked).</summary>
    public static DemoAgentNode Start(DemoKeyserverNode keyserver, DemoMaterial material, Queue<int> ports, bool withKeylessSocket)
    {
        var datacenter = keyserver.Datacenter;
        var (grpc, keyless, metrics) = (ports.Dequeue(), ports.Dequeue(), ports.Dequeue());
        var socket = withKeylessSocket ? SocketPath(material, datacenter) : "";
        var settings = new Dictionary<string, string>
        {
            ["Agent:Id"] = datacenter.AgentId,
            ["Agent:Datacenter"] = datacenter.Id,
            ["Agent:DefaultDeadline"] = "00:00:05",
            ["Endpoint:KeylessPort"] = Text(keyless),
            ["Endpoint:GrpcPort"] = Text(grpc),
            ["Endpoint:KeylessUnixSocket"] = socket,
            ["Endpoint:GrpcUnixSocket"] = "",
            ["Upstreams:LocalKeyserver"] = $"https://127.0.0.1:{Text(keyserver.GrpcPort)}",
            ["Upstreams:Discover"] = "true",
            ["Upstreams:CertificatePath"] = material.Tls("client.crt"),
            ["Upstreams:KeyPath"] = material.Tls("client.key"),
            ["Upstreams:CaPath"] = material.Tls("ca.crt"),
            // Generous: nine processes share this machine's cores, and a first cross-region request
            // opens its TLS connection inside the request. Production values: edge-agent.sample.json.
            ["Upstreams:Local:ConnectTimeout"] = "00:00:05",
            ["Upstreams:Local:RequestTimeout"] = "00:00:05",
            ["Upstreams:Datacenter:RequestTimeout"] = "00:00:05",
            ["Telemetry:Prometheus:Port"] = Text(metrics),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var process = ChildProcess.Start(datacenter.AgentId, DotnetHost.EdgeAgent, settings, Path.Combine(material.Root, "logs"));
        return new DemoAgentNode(datacenter, process, grpc, keyless, metrics, socket);
    }

    /// <summary>The agent's Keyless socket in the data directory's <c>run/</c> folder.</summary>
    public static string SocketPath(DemoMaterial material, DemoDatacenter datacenter) =>
        Path.Combine(material.Root, "run", datacenter.Id + ".keyless.sock");

    public void Dispose() => _channel.Dispose();

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
