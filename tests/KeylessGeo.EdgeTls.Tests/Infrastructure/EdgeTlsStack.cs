using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Prometheus;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// The whole edge on one machine: a keyserver holding an RSA-2048 and an ECDSA P-256 key, an edge
/// agent in front of it with its Keyless Unix socket, and Debian's nginx configured from the
/// deploy/nginx examples with the keylessgeo engine, serving certificates (issued by a test CA)
/// for both keys and one certificate whose key is on local disk.
/// </summary>
public sealed class EdgeTlsStack : IAsyncDisposable
{
    public const string RsaKey = "web-rsa";
    public const string EcKey = "web-ec";

    /// <summary>An ECDSA P-384 key with its certificate (certs/ec384.example.com.pem), which nginx does not serve.</summary>
    public const string Ec384Key = "web-ec384";

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<IDisposable> _ownedSync = [];
    private readonly HttpClient _http = new();
    private readonly SemaphoreSlim _edgeHostStart = new(1, 1);
    private EdgeHostProcess? _edgeHost;
    private int _deadlineMs;

    private EdgeTlsStack(string directory) => Directory = directory;

    /// <summary>The folder standing for /etc/keylessgeo (certificates under certs/, the CA as ca.pem).</summary>
    public string Directory { get; }

    /// <summary>The test CA's certificate.</summary>
    public string CaCertificate => Path.Combine(Directory, "ca.pem");

    /// <summary>The keyserver's key folder (private keys: what must never reach nginx).</summary>
    public TestKeyDirectory Keys { get; private set; } = null!;

    public KeyServerTestHost KeyServer { get; private set; } = null!;

    public EdgeAgentTestHost Agent { get; private set; } = null!;

    public NginxProcess Nginx { get; private set; } = null!;

    /// <summary>nginx's TLS port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The agent's Keyless Unix socket.</summary>
    public string AgentSocket => Path.Combine(Directory, "agent.keyless.sock");

    /// <summary>Starts keyserver, agent and nginx; the engine's deadline is <paramref name="deadlineMs"/>.</summary>
    public static async Task<EdgeTlsStack> StartAsync(int deadlineMs, CancellationToken cancellationToken)
    {
        var stack = new EdgeTlsStack(System.IO.Directory.CreateTempSubdirectory("keylessgeo-edgetls-").FullName);
        try
        {
            await stack.StartCoreAsync(deadlineMs, cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts another nginx over the same files with another engine configuration (the caller disposes it).</summary>
    public async Task<NginxProcess> StartNginxAsync(string directory, string socketPath, int deadlineMs, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        var nginx = await NginxProcess.StartAsync(
            directory,
            NginxConfiguration.Nginx(Directory, port).Replace($"pid {Directory}/nginx.pid;", $"pid {directory}/nginx.pid;", StringComparison.Ordinal),
            NginxConfiguration.OpenSsl(RepositoryPaths.EngineLibrary, socketPath, deadlineMs),
            cancellationToken);
        OtherPorts[nginx] = port;
        return nginx;
    }

    /// <summary>
    /// Our edge host serving the same three certificates (the keyless ones through the engine, with
    /// this stack's agent and the stack's deadline), started on first use and stopped with the stack.
    /// </summary>
    public async Task<EdgeHostProcess> EdgeHostAsync(CancellationToken cancellationToken)
    {
        await _edgeHostStart.WaitAsync(cancellationToken);
        try
        {
            if (_edgeHost is null)
            {
                _edgeHost = await StartEdgeHostAsync(AgentSocket, _deadlineMs, cancellationToken);
                _owned.Add(_edgeHost);
            }

            return _edgeHost;
        }
        finally
        {
            _edgeHostStart.Release();
        }
    }

    /// <summary>Starts another edge host over the same certificates with another agent socket and deadline (the caller disposes it).</summary>
    public Task<EdgeHostProcess> StartEdgeHostAsync(string socketPath, int deadlineMs, CancellationToken cancellationToken)
    {
        var certificates = Path.Combine(Directory, "certs");
        return EdgeHostProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["Host:Id"] = "edge-test",
                ["Engine:Path"] = RepositoryPaths.EngineLibrary,
                ["Engine:Commands:SOCKET_PATH"] = socketPath,
                ["Engine:Commands:DEADLINE_MS"] = deadlineMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Certificates:0:CertificatePath"] = Path.Combine(certificates, "rsa.example.com.pem"),
                ["Certificates:0:Hosts:0"] = "rsa.example.com",
                ["Certificates:1:CertificatePath"] = Path.Combine(certificates, "ec.example.com.pem"),
                ["Certificates:1:Hosts:0"] = "ec.example.com",
                ["Certificates:2:CertificatePath"] = Path.Combine(certificates, "local.example.com.pem"),
                ["Certificates:2:LocalKeyPath"] = Path.Combine(certificates, "local.example.com.key"),
                ["Certificates:2:Hosts:0"] = "local.example.com",
            },
            cancellationToken);
    }

    /// <summary>Ports of the nginx instances started with <see cref="StartNginxAsync"/>.</summary>
    public Dictionary<NginxProcess, int> OtherPorts { get; } = [];

    /// <summary>The keyserver's <c>keylessgeo_keyserver_operations_total</c> for <paramref name="operation"/> answered OK, from its metrics endpoint.</summary>
    public async Task<double> KeyserverOperationsAsync(string operation, CancellationToken cancellationToken)
    {
        var address = KeyServer.Services.GetRequiredService<TelemetryEndpointState>().BaseAddress!;
        var scrape = await PrometheusScrape.ReadAsync(_http, new Uri(address, "metrics"), cancellationToken);
        return scrape.Sum("keylessgeo_keyserver_operations_total", ("keylessgeo_operation", operation), ("keylessgeo_error_code", "OK"));
    }

    /// <summary>Stops the keyserver (the agent stays up and answers with errors).</summary>
    public async Task StopKeyServerAsync()
    {
        _owned.Remove(KeyServer);
        await KeyServer.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var nginx in OtherPorts.Keys)
        {
            await nginx.DisposeAsync();
        }

        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        foreach (var disposable in _ownedSync)
        {
            disposable.Dispose();
        }

        _http.Dispose();
        _edgeHostStart.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temporary folders.
        }
    }

    private async Task StartCoreAsync(int deadlineMs, CancellationToken cancellationToken)
    {
        _deadlineMs = deadlineMs;
        var tls = TestTlsMaterial.Create();
        _ownedSync.Add(tls);
        Keys = new TestKeyDirectory();
        _ownedSync.Add(Keys);
        await Keys.AddAsync(RsaKey, TestKeyType.Rsa2048Pkcs1);
        await Keys.AddAsync(EcKey, TestKeyType.EcP256);
        await Keys.AddAsync(Ec384Key, TestKeyType.EcP384);

        var certificates = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "certs")).FullName;
        await WebCertificates.CreateCaAsync(Directory);
        await WebCertificates.IssueAsync(Directory, Keys.KeyPath(RsaKey), "rsa.example.com", Path.Combine(certificates, "rsa.example.com.pem"));
        await WebCertificates.IssueAsync(Directory, Keys.KeyPath(EcKey), "ec.example.com", Path.Combine(certificates, "ec.example.com.pem"));
        await WebCertificates.IssueAsync(Directory, Keys.KeyPath(Ec384Key), "ec384.example.com", Path.Combine(certificates, "ec384.example.com.pem"));
        var localKey = Path.Combine(certificates, "local.example.com.key");
        await OpenSslCli.GenerateEcSec1Async(localKey, "prime256v1");
        await WebCertificates.IssueAsync(Directory, localKey, "local.example.com", Path.Combine(certificates, "local.example.com.pem"));

        KeyServer = await KeyServerTestHost.StartAsync(Keys.Path, tls, cancellationToken: cancellationToken);
        _owned.Add(KeyServer);
        Agent = await EdgeAgentTestHost.StartAsync(tls, KeyServerTestHost.Datacenter, new Dictionary<string, string?>
        {
            ["Endpoint:KeylessUnixSocket"] = AgentSocket,
            ["Upstreams:LocalKeyserver"] = KeyServer.Address.GetLeftPart(UriPartial.Authority),
        }, cancellationToken);
        _owned.Add(Agent);

        Port = FreePort.Next();
        Nginx = await NginxProcess.StartAsync(
            Directory,
            NginxConfiguration.Nginx(Directory, Port),
            NginxConfiguration.OpenSsl(RepositoryPaths.EngineLibrary, AgentSocket, deadlineMs),
            cancellationToken);
        _owned.Add(Nginx);
    }
}
