using System.Globalization;
using KeylessGeo.Cli.Demo.Processes;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// One datacenter's edge host process: our TLS terminator (Kestrel, TLS 1.3 and 1.2) in front of
/// that datacenter's edge agent, serving the certified demo keys' certificates by server name. It
/// holds no private key: the OpenSSL engine it loads sends each handshake's private-key operation
/// over the agent's Keyless Unix socket, and a keyserver the key's policy permits performs it.
/// </summary>
public sealed class DemoEdgeHostNode
{
    /// <summary>The engine's deadline for one key operation: generous, as for the agents (many processes share the cores).</summary>
    private const string DeadlineMs = "5000";

    private DemoEdgeHostNode(DemoDatacenter datacenter, ChildProcess process, int tlsPort, int metricsPort)
    {
        Datacenter = datacenter;
        Process = process;
        TlsPort = tlsPort;
        MetricsPort = metricsPort;
    }

    public DemoDatacenter Datacenter { get; }

    public ChildProcess Process { get; }

    /// <summary>TLS (HTTP/1.1 and HTTP/2 inside), loopback.</summary>
    public int TlsPort { get; }

    /// <summary>Metrics, <c>/healthz</c> and <c>/readyz</c>.</summary>
    public int MetricsPort { get; }

    /// <summary>Starts the edge host in front of <paramref name="agent"/> on ports taken from <paramref name="ports"/>, loading <paramref name="engine"/>.</summary>
    public static DemoEdgeHostNode Start(DemoAgentNode agent, DemoMaterial material, string engine, Queue<int> ports)
    {
        var datacenter = agent.Datacenter;
        var (tls, metrics) = (ports.Dequeue(), ports.Dequeue());
        var settings = new Dictionary<string, string>
        {
            ["Host:Id"] = datacenter.EdgeHostId,
            ["Https:Address"] = "127.0.0.1",
            ["Https:Port"] = Text(tls),
            ["Https:MinimumTlsVersion"] = "1.2",
            ["Https:HandshakeTimeout"] = "00:00:15",
            ["Engine:Path"] = engine,
            ["Engine:Commands:SOCKET_PATH"] = agent.KeylessSocket,
            ["Engine:Commands:DEADLINE_MS"] = DeadlineMs,
            // Few handshakes at a time: the demo's clients are sequential, and each slot reserves a thread.
            ["Handshakes:MaxConcurrent"] = "8",
            ["Telemetry:Prometheus:Address"] = "127.0.0.1",
            ["Telemetry:Prometheus:Port"] = Text(metrics),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var index = 0;
        foreach (var keyId in DemoMaterial.CertifiedKeyIds)
        {
            settings[$"Certificates:{Text(index)}:Hosts:0"] = DemoMaterial.ServerNameOf(keyId);
            settings[$"Certificates:{Text(index)}:CertificatePath"] = material.CertificateOf(keyId);
            index++;
        }

        var process = ChildProcess.Start(datacenter.EdgeHostId, DotnetHost.EdgeHost, settings, Path.Combine(material.Root, "logs"));
        return new DemoEdgeHostNode(datacenter, process, tls, metrics);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
