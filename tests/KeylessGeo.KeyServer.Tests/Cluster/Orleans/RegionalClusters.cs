using System.Collections.Immutable;
using System.Globalization;
using Google.Protobuf;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// Keyservers in two regions, one per datacenter unless a test adds more: fra1 and ams1 (EU)
/// form one Orleans cluster, sfo1 and iad1 (NA) another. Every keyserver hosts a silo (mutual TLS
/// with the test CA, embedded membership in a shared temporary folder) and serves gRPC on
/// loopback; all share one in-memory control-plane store, or each opens the store that
/// <see cref="ControlPlaneStoreOptions"/> describe (as separate processes would). Each member's
/// log is recorded.
/// </summary>
internal sealed class RegionalClusters : IAsyncDisposable
{
    public static readonly ImmutableArray<DatacenterRecord> Topology =
    [
        StoreSeeder.Datacenter("fra1", "EU", "DE"),
        StoreSeeder.Datacenter("ams1", "EU", "NL"),
        StoreSeeder.Datacenter("sfo1", "NA", "US"),
        StoreSeeder.Datacenter("iad1", "NA", "US"),
    ];

    private readonly TempDirectory _root = new();
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);

    private readonly ControlPlaneStoreOptions? _storeOptions;

    private RegionalClusters(ControlPlaneStoreOptions? storeOptions)
    {
        _storeOptions = storeOptions;
        Store = storeOptions is null ? new InMemoryControlPlaneStore() : ControlPlaneStoreFactory.Create(storeOptions);
        Seeder = new StoreSeeder(Store);
    }

    /// <summary>The test's view of the store (the control plane's, in effect); the members' own when it is in memory.</summary>
    public IControlPlaneStore Store { get; }

    public StoreSeeder Seeder { get; }

    public TestTlsMaterial Tls { get; } = TestTlsMaterial.Create();

    public IReadOnlyDictionary<string, Member> Members => _members;

    public Member this[string keyserverId] => _members[keyserverId];

    /// <summary>
    /// Starts one keyserver per datacenter (ids <c>ks-fra1</c> …; only those of
    /// <paramref name="datacenters"/> when given) and waits until each has registered its
    /// wrapping key. <paramref name="store"/>: the store every member and the test open
    /// (embedded or PostgreSQL); null means one shared in-memory store.
    /// </summary>
    public static async Task<RegionalClusters> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, ControlPlaneStoreOptions? store = null, IReadOnlyCollection<string>? datacenters = null)
    {
        var clusters = new RegionalClusters(store);
        try
        {
            await clusters.Seeder.SetTopologyAsync(Topology);
            var started = Topology.Where(d => datacenters is null || datacenters.Contains(d.Id)).Select(d => d.Id).ToArray();
            foreach (var datacenter in started)
            {
                await clusters.AddAsync("ks-" + datacenter, datacenter, settings);
            }

            await StoreWaits.WhenWrappingKeysRegisteredAsync(clusters.Store, started);
            return clusters;
        }
        catch
        {
            await clusters.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts keyserver <paramref name="keyserverId"/> in <paramref name="datacenter"/>.</summary>
    public async Task<Member> AddAsync(string keyserverId, string datacenter, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var keys = new TestKeyDirectory();
        var values = new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = keyserverId,
            ["KeyServer:Datacenter"] = datacenter,
            ["KeyServer:Admission:DefaultDeadline"] = "00:00:10",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Orleans"] = "Warning",
            ["Logging:LogLevel:KeylessGeo.KeyServer.Cluster.Grains"] = "Debug",
            ["Cluster:Enabled"] = "true",
            ["Cluster:Store:Kind"] = _storeOptions?.Kind ?? ClusterOptions.InMemoryStoreKind,
            ["Cluster:Store:DataDirectory"] = _storeOptions?.DataDirectory,
            ["Cluster:Store:ConnectionString"] = _storeOptions?.ConnectionString,
            ["Cluster:WrappingKeyPath"] = Path.Combine(_root.Path, datacenter + "-wrapping-key.pem"),
            ["Cluster:LeaseRenewInterval"] = "00:00:01",
            ["Cluster:Silo:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:Membership:Kind"] = "embedded",
            ["Cluster:Membership:Directory"] = Directory.CreateDirectory(Path.Combine(_root.Path, "membership")).FullName,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var logs = new RecordingLoggerProvider();
        var host = await KeyServerTestHost.StartAsync(keys.Path, Tls, new KeyServerTestHostOptions
        {
            Settings = values,
            Store = _storeOptions is null ? Store : null,
            LoggerProviders = [logs],
        });
        var member = new Member(keyserverId, datacenter, host, keys, host.CreateChannel(), logs);
        _members[keyserverId] = member;
        return member;
    }

    /// <summary>Waits until every member applied <paramref name="revision"/>.</summary>
    public async Task<long> AppliedAsync(long revision)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        foreach (var member in _members.Values)
        {
            await member.Host.Services.GetRequiredService<ClusterState>().WhenAppliedAsync(revision, guard.Token);
        }

        return revision;
    }

    /// <summary>Stops and removes one member (a clean shutdown).</summary>
    public async Task StopAsync(string keyserverId)
    {
        var member = _members[keyserverId];
        _members.Remove(keyserverId);
        await member.DisposeAsync();
    }

    /// <summary>
    /// Signs through <paramref name="channel"/> once the cluster can route the key: a freshly started
    /// region may answer with an error for a moment while its silos still learn of each other and of
    /// the key's placement; asks again until a signature comes back or the hang guard passes, and
    /// returns the last answer (a signature is never taken from a wrong signer: callers check it).
    /// </summary>
    public static async Task<SignResponse> SignWhenRoutedAsync(GrpcChannel channel, string keyId, Operation operation, byte[] payload, ulong id = 1)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        while (true)
        {
            var response = await SignAsync(channel, keyId, operation, payload, id);
            if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Error || guard.IsCancellationRequested)
            {
                return response;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), guard.Token);
            }
            catch (OperationCanceledException)
            {
                return response;
            }
        }
    }

    public static async Task<SignResponse> SignAsync(GrpcChannel channel, string keyId, Operation operation, byte[] payload, ulong id = 1)
    {
        using var timeout = new CancellationTokenSource(ClusterHarness.HangGuard);
        return await new Contracts.V1.KeyServer.KeyServerClient(channel).SignAsync(
            new SignRequest { Id = id, Key = new KeyRef { KeyId = keyId }, Operation = operation, Payload = ByteString.CopyFrom(payload) },
            cancellationToken: timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        // In parallel: a silo that stops waits for its peers' goodbye, and the last ones need not
        // wait for members already gone.
        await Task.WhenAll(_members.Values.Select(m => m.DisposeAsync().AsTask()));
        _members.Clear();
        Seeder.Dispose();
        await Store.DisposeAsync();
        Tls.Dispose();
        _root.Dispose();
    }

    /// <summary>One keyserver of the clusters.</summary>
    internal sealed class Member(
        string keyserverId, string datacenter, KeyServerTestHost host, TestKeyDirectory keys, GrpcChannel channel, RecordingLoggerProvider logs) : IAsyncDisposable
    {
        public string KeyserverId { get; } = keyserverId;

        public string Datacenter { get; } = datacenter;

        public KeyServerTestHost Host { get; } = host;

        public GrpcChannel Channel { get; } = channel;

        public RecordingLoggerProvider Logs { get; } = logs;

        public T Get<T>()
            where T : notnull => Host.Services.GetRequiredService<T>();

        public async ValueTask DisposeAsync()
        {
            Channel.Dispose();
            await Host.DisposeAsync();
            keys.Dispose();
        }
    }
}
