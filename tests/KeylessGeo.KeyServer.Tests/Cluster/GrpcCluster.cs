using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Testing;
using Grpc.Net.Client;
using KeylessGeo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// Two real keyservers (fra1 and sfo1) on loopback with mutual TLS, joined to one control-plane
/// store: either an in-memory store object both share, or an embedded or PostgreSQL store that
/// each keyserver and the test open separately (as separate processes would).
/// Topology fra1 (EU, DE) and sfo1 (NA, US); policy <c>eu-only</c> (<c>region: EU</c>).
/// Every log message from Debug up is collected.
/// </summary>
internal sealed class GrpcCluster : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly List<IDisposable> _owned = [];

    private GrpcCluster(IControlPlaneStore store, TestTlsMaterial tls)
    {
        Store = store;
        Tls = tls;
        Seeder = new StoreSeeder(store);
    }

    /// <summary>The test's view of the store (the control plane's, in effect).</summary>
    public IControlPlaneStore Store { get; }

    public StoreSeeder Seeder { get; }

    public TestTlsMaterial Tls { get; }

    public CollectingLoggerProvider Logs { get; } = new(LogLevel.Debug);

    public KeyServerTestHost Fra1 { get; private set; } = null!;

    public KeyServerTestHost Sfo1 { get; private set; } = null!;

    public GrpcChannel Fra1Channel { get; private set; } = null!;

    public GrpcChannel Sfo1Channel { get; private set; } = null!;

    /// <summary>Both keyservers share one in-memory store object.</summary>
    public static Task<GrpcCluster> StartInMemoryAsync()
    {
        var store = new InMemoryControlPlaneStore();
        return StartAsync(store, null, _ => store);
    }

    /// <summary>Each keyserver opens the store <paramref name="options"/> describe itself (through its configuration); so does the test.</summary>
    public static Task<GrpcCluster> StartWithStoreAsync(ControlPlaneStoreOptions options) =>
        StartAsync(ControlPlaneStoreFactory.Create(options), options, null);

    public ClusterState StateOf(KeyServerTestHost host) => host.Services.GetRequiredService<ClusterState>();

    /// <summary>Waits until both keyservers applied <paramref name="revision"/>; returns it.</summary>
    public async Task<long> AppliedAsync(long revision)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        await StateOf(Fra1).WhenAppliedAsync(revision, guard.Token);
        await StateOf(Sfo1).WhenAppliedAsync(revision, guard.Token);
        return revision;
    }

    public static async Task<SignResponse> SignAsync(GrpcChannel channel, string keyId, Operation operation, byte[] payload)
    {
        using var timeout = new CancellationTokenSource(ClusterHarness.HangGuard);
        return await new Contracts.V1.KeyServer.KeyServerClient(channel).SignAsync(
            new SignRequest { Id = 9, Key = new KeyRef { KeyId = keyId }, Operation = operation, Payload = ByteString.CopyFrom(payload) },
            cancellationToken: timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Seeder.Dispose();
        await Store.DisposeAsync();
        Tls.Dispose();
    }

    private static async Task<GrpcCluster> StartAsync(IControlPlaneStore store, ControlPlaneStoreOptions? opened, Func<string, IControlPlaneStore?>? shared)
    {
        var cluster = new GrpcCluster(store, TestTlsMaterial.Create());
        try
        {
            await cluster.Seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
            cluster.Fra1 = await cluster.StartHostAsync("fra1", opened, shared?.Invoke("fra1"));
            cluster.Sfo1 = await cluster.StartHostAsync("sfo1", opened, shared?.Invoke("sfo1"));
            cluster.Fra1Channel = cluster.Fra1.CreateChannel();
            cluster.Sfo1Channel = cluster.Sfo1.CreateChannel();
            cluster._owned.Add(cluster.Fra1Channel);
            cluster._owned.Add(cluster.Sfo1Channel);
            await StoreWaits.WhenWrappingKeysRegisteredAsync(store, "fra1", "sfo1");
            await cluster.Seeder.CreatePolicyAsync("eu-only", "region: EU");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task<KeyServerTestHost> StartHostAsync(string datacenter, ControlPlaneStoreOptions? opened, IControlPlaneStore? store)
    {
        var keys = new TestKeyDirectory();
        _owned.Add(keys);
        var settings = new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks-" + datacenter,
            ["KeyServer:Datacenter"] = datacenter,
            ["KeyServer:Admission:DefaultDeadline"] = "00:00:30",
            ["Logging:LogLevel:Default"] = "Debug",
            ["Cluster:Enabled"] = "true",
            ["Cluster:Silo:Enabled"] = "false",
            ["Cluster:WrappingKeyPath"] = Path.Combine(keys.Path, "wrapping-key.pem"),
            ["Cluster:AdvertisedEndpoints:0"] = $"grpc://{datacenter}.keyserver.test:7443",
        };
        if (opened is not null)
        {
            settings["Cluster:Store:Kind"] = opened.Kind;
            settings["Cluster:Store:DataDirectory"] = opened.DataDirectory;
            settings["Cluster:Store:ConnectionString"] = opened.ConnectionString;
        }
        else
        {
            settings["Cluster:Store:Kind"] = ClusterOptions.InMemoryStoreKind;
        }

        var host = await KeyServerTestHost.StartAsync(keys.Path, Tls, new KeyServerTestHostOptions
        {
            Settings = settings,
            Store = store,
            LoggerProviders = [Logs],
        });
        _disposables.Add(host);
        return host;
    }
}
