using System.Globalization;
using Google.Protobuf;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing;
using KeylessGeo.Transport.Channels;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// Keyservers as real processes on one machine, in the regions of <see cref="RegionalClusters.Topology"/>:
/// one embedded control-plane store directory that every process (and the test, as the control
/// plane) opens, the embedded membership beside it, silos on free ports with mutual TLS. A test
/// can kill any process with SIGKILL and start it again; disposing kills whatever is left.
/// </summary>
internal sealed class ClusterProcesses : IAsyncDisposable
{
    private readonly TempDirectory _root = new();
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);

    private ClusterProcesses()
    {
        StoreOptions = new ControlPlaneStoreOptions { Kind = "embedded", DataDirectory = Directory.CreateDirectory(Path.Combine(_root.Path, "store")).FullName };
        Store = ControlPlaneStoreFactory.Create(StoreOptions);
        Seeder = new StoreSeeder(Store);
    }

    public ControlPlaneStoreOptions StoreOptions { get; }

    /// <summary>The test's own view of the store (the control plane's, in effect).</summary>
    public IControlPlaneStore Store { get; }

    public StoreSeeder Seeder { get; }

    public TestTlsMaterial Tls { get; } = TestTlsMaterial.Create();

    public static async Task<ClusterProcesses> CreateAsync()
    {
        var processes = new ClusterProcesses();
        await processes.Seeder.SetTopologyAsync(RegionalClusters.Topology);
        return processes;
    }

    /// <summary>
    /// Creates a cluster and runs <paramref name="setUp"/> on it (start keyservers, seed keys); when
    /// set-up throws, stops whatever started before rethrowing. For a test class's InitializeAsync:
    /// xUnit does not call DisposeAsync when InitializeAsync throws, so nothing else would.
    /// </summary>
    public static async Task<ClusterProcesses> CreateAsync(Func<ClusterProcesses, Task> setUp)
    {
        var processes = await CreateAsync();
        try
        {
            await setUp(processes);
            return processes;
        }
        catch
        {
            await processes.DisposeAsync();
            throw;
        }
    }

    public KeyServerProcess this[string keyserverId] => _running[keyserverId].Process;

    public GrpcChannel Channel(string keyserverId) => _running[keyserverId].Channel;

    /// <summary>Starts keyserver <paramref name="keyserverId"/> of <paramref name="datacenter"/> (again, after a kill: same silo port, same keys).</summary>
    public async Task<KeyServerProcess> StartAsync(string keyserverId, string datacenter, IReadOnlyDictionary<string, string>? extra = null)
    {
        var home = Directory.CreateDirectory(Path.Combine(_root.Path, keyserverId));
        var keys = Directory.CreateDirectory(Path.Combine(home.FullName, "keys")).FullName;
        var siloPortFile = Path.Combine(home.FullName, "silo-port");
        if (!File.Exists(siloPortFile))
        {
            File.WriteAllText(siloPortFile, FreePort.Next().ToString(CultureInfo.InvariantCulture));
        }

        var settings = ClusterProcessSettings.For(
            keyserverId, datacenter, StoreOptions.DataDirectory!, Path.Combine(_root.Path, datacenter + "-wrapping-key.pem"), int.Parse(File.ReadAllText(siloPortFile), CultureInfo.InvariantCulture));
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var process = await KeyServerProcess.StartAsync(keys, Tls, settings, openFileLimit: null, startup.Token);
        var channel = GrpcChannelFactory.Create(new ChannelSettings
        {
            Address = $"https://127.0.0.1:{process.GrpcEndPoint.Port}",
            ClientCertificate = Tls.ClientCertificate,
            TrustedCa = Tls.TrustedCa,
        });
        _running[keyserverId] = new Running(process, channel);
        return process;
    }

    /// <summary>Kills the keyserver with SIGKILL: no goodbye to its cluster, no lease removed.</summary>
    public async Task KillAsync(string keyserverId)
    {
        var running = _running[keyserverId];
        _running.Remove(keyserverId);
        running.Channel.Dispose();
        await running.Process.KillAsync();
        await running.Process.DisposeAsync();
    }

    public static async Task<SignResponse> SignAsync(GrpcChannel channel, string keyId, Operation operation, byte[] payload, ulong id, TimeSpan deadline)
    {
        using var guard = new CancellationTokenSource(deadline + ClusterHarness.HangGuard);
        return await new Contracts.V1.KeyServer.KeyServerClient(channel).SignAsync(
            new SignRequest { Id = id, Key = new KeyRef { KeyId = keyId }, Operation = operation, Payload = ByteString.CopyFrom(payload), TimeoutMs = (uint)deadline.TotalMilliseconds },
            // Slack for a busy machine: the server answers by the request's own deadline; a call
            // still unanswered 5 s later counts as hung.
            deadline: DateTime.UtcNow + deadline + TimeSpan.FromSeconds(5),
            cancellationToken: guard.Token);
    }

    /// <summary>
    /// Waits (bounded) until a request for <paramref name="keyId"/> entering at each of
    /// <paramref name="entries"/> is signed, and checks it is signed by <paramref name="signer"/>.
    /// Until then (the key not yet applied, placed or advertised) each answer must be a
    /// per-request error, never a signature from elsewhere.
    /// </summary>
    public static async Task WhenServedAsync(ClusterProcesses cluster, IEnumerable<string> entries, string keyId, byte[] digest, string signer)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var entry in entries)
        {
            while (true)
            {
                guard.Token.ThrowIfCancellationRequested();
                var response = await SignAsync(cluster.Channel(entry), keyId, Operation.EcdsaSha256, digest, 0, TimeSpan.FromSeconds(2));
                if (response.OutcomeCase == SignResponse.OutcomeOneofCase.Result)
                {
                    Assert.Equal(signer, response.ServedBy.KeyserverId);
                    break;
                }

                Assert.NotEqual(ErrorCode.Unspecified, response.Error.Code);
                await Task.Delay(50, guard.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in _running.Values)
        {
            running.Channel.Dispose();
            await running.Process.DisposeAsync();
        }

        _running.Clear();
        Seeder.Dispose();
        await Store.DisposeAsync();
        Tls.Dispose();
        _root.Dispose();
    }

    private sealed record Running(KeyServerProcess Process, GrpcChannel Channel);
}
