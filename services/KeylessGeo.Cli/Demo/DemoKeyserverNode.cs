using System.Globalization;
using KeylessGeo.Cli.Demo.Processes;

namespace KeylessGeo.Cli.Demo;

/// <summary>One datacenter's keyserver process: a cluster member of its region on loopback ports.</summary>
public sealed class DemoKeyserverNode
{
    private DemoKeyserverNode(DemoDatacenter datacenter, ChildProcess process, int grpcPort, int keylessPort, int metricsPort)
    {
        Datacenter = datacenter;
        Process = process;
        GrpcPort = grpcPort;
        KeylessPort = keylessPort;
        MetricsPort = metricsPort;
    }

    public DemoDatacenter Datacenter { get; }

    public ChildProcess Process { get; }

    /// <summary>gRPC with mutual TLS.</summary>
    public int GrpcPort { get; }

    /// <summary>The Keyless protocol with mutual TLS.</summary>
    public int KeylessPort { get; }

    /// <summary>Metrics, <c>/healthz</c> and <c>/readyz</c>.</summary>
    public int MetricsPort { get; }

    /// <summary>Starts the keyserver of <paramref name="datacenter"/> on ports taken from <paramref name="ports"/>.</summary>
    public static DemoKeyserverNode Start(DemoDatacenter datacenter, DemoMaterial material, string storeDirectory, Queue<int> ports)
    {
        var home = Directory.CreateDirectory(Path.Combine(material.Root, "keyservers", datacenter.KeyserverId)).FullName;
        var keys = Directory.CreateDirectory(Path.Combine(home, "keys")).FullName;
        var (grpc, keyless, metrics, silo) = (ports.Dequeue(), ports.Dequeue(), ports.Dequeue(), ports.Dequeue());
        var settings = new Dictionary<string, string>
        {
            ["KeyServer:Id"] = datacenter.KeyserverId,
            ["KeyServer:Datacenter"] = datacenter.Id,
            // Managed keys only: the key folder stays empty.
            ["KeyServer:KeysDirectory"] = keys,
            // No start-up capacity measurement: nine processes share the machine's cores.
            ["KeyServer:Admission:CalibrationDuration"] = "00:00:00",
            ["KeyServer:Admission:DefaultDeadline"] = "00:00:05",
            ["Listen:Address"] = "127.0.0.1",
            ["Listen:Port"] = Text(grpc),
            ["Listen:CertificatePath"] = material.Tls("server.crt"),
            ["Listen:KeyPath"] = material.Tls("server.key"),
            ["Listen:ClientCaPath"] = material.Tls("ca.crt"),
            ["Keyless:Port"] = Text(keyless),
            ["Telemetry:Prometheus:Port"] = Text(metrics),
            ["Cluster:Enabled"] = "true",
            ["Cluster:Store:Kind"] = "embedded",
            ["Cluster:Store:DataDirectory"] = storeDirectory,
            ["Cluster:WrappingKeyPath"] = Path.Combine(home, "wrapping-key.pem"),
            ["Cluster:LeaseRenewInterval"] = "00:00:01",
            ["Cluster:AdvertisedEndpoints:0"] = $"grpc://127.0.0.1:{Text(grpc)}",
            ["Cluster:AdvertisedEndpoints:1"] = $"keyless://127.0.0.1:{Text(keyless)}",
            ["Cluster:Silo:Port"] = Text(silo),
            ["Cluster:Silo:CertificatePath"] = material.Tls("member.crt"),
            ["Cluster:Silo:KeyPath"] = material.Tls("member.key"),
            // A loaded machine can take longer than the production 0.5 s to answer a probe.
            ["Cluster:Silo:ProbeTimeout"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var process = ChildProcess.Start(datacenter.KeyserverId, DotnetHost.KeyServer, settings, Path.Combine(material.Root, "logs"));
        return new DemoKeyserverNode(datacenter, process, grpc, keyless, metrics);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
