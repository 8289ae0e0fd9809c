using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.KeyServer.Forwarding;
using KeylessGeo.KeyServer.Tests.Cluster;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Forwarding;

/// <summary>
/// This keyserver (<see cref="SelfId"/> in lon1) with forwarding registered through
/// <see cref="ForwardingServiceCollectionExtensions.AddKeyServerForwarding"/> over an in-memory
/// control-plane store, a <see cref="ManualClock"/> for every timeout, backoff and breaker, and
/// fake remote keyservers on loopback with mutual TLS. Topology: lon1 (UK), fra1 and ams1 (EU),
/// sfo1 and nyc1 (NA), sin1 (AP); region preference EU, NA.
/// </summary>
internal sealed class ForwardingHarness : IAsyncDisposable
{
    /// <summary>How long a test waits for something that should happen at once before it fails instead of hanging.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>The per-attempt timeout tests use unless they say otherwise: long, so only the manual clock ends an attempt.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    public const string SelfId = "ks-self";

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly TempDirectory _directory = new();
    private ServiceProvider _provider = null!;

    private ForwardingHarness()
    {
    }

    public ManualClock Clock { get; } = new();

    public InMemoryControlPlaneStore Store { get; } = new(TimeProvider.System);

    public TestTlsMaterial Tls { get; } = TestTlsMaterial.Create();

    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>Released once per <c>Sign</c> call any fake receives.</summary>
    public SemaphoreSlim Arrivals { get; } = new(0);

    public IServiceProvider Services => _provider;

    public IRemoteForwarder Forwarder => _provider.GetRequiredService<IRemoteForwarder>();

    public RemoteKeyserverDirectory Directory => _provider.GetRequiredService<RemoteKeyserverDirectory>();

    public UpstreamCache Upstreams => _provider.GetRequiredService<UpstreamCache>();

    public MeterRecorder Meters { get; private set; } = null!;

    /// <summary>
    /// Starts the harness with test defaults (no backoff, 30 s attempts, 3 attempts) overridden by
    /// <paramref name="settings"/> (keys under <c>Cluster:Forwarding</c>); <paramref name="store"/>
    /// may put a store in front of <see cref="Store"/>.
    /// </summary>
    public static async Task<ForwardingHarness> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Func<InMemoryControlPlaneStore, IControlPlaneStore>? store = null)
    {
        var harness = new ForwardingHarness();
        try
        {
            await harness.InitializeAsync(settings ?? new Dictionary<string, string?>(), store);
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a fake keyserver and registers its lease (advertising <c>grpc://</c> and <c>keyless://</c> endpoints).</summary>
    public async Task<FakeUpstream> AddUpstreamAsync(string id, string datacenter, UpstreamBehaviour behaviour = UpstreamBehaviour.Answer)
    {
        var upstream = await FakeUpstream.StartAsync(Tls, id, datacenter, behaviour, Arrivals);
        _owned.Add(upstream);
        await AddLeaseAsync(id, datacenter, $"grpc://{upstream.Authority}", "keyless://127.0.0.1:2407");
        return upstream;
    }

    /// <summary>Registers a lease for a keyserver on a port where nothing listens; returns its endpoint.</summary>
    public async Task<string> AddClosedPortAsync(string id, string datacenter)
    {
        var authority = $"127.0.0.1:{FreePort.Next()}";
        await AddLeaseAsync(id, datacenter, $"grpc://{authority}");
        return $"https://{authority}";
    }

    public Task AddLeaseAsync(string id, string datacenter, params string[] endpoints) =>
        Store.RenewLeaseAsync(new KeyserverLease { KeyserverId = id, DatacenterId = datacenter, Endpoints = [.. endpoints] }, TimeSpan.FromHours(1), CancellationToken.None);

    public async Task RefreshAsync()
    {
        Assert.True(await Directory.RefreshAsync(CancellationToken.None), "the directory refresh failed");
    }

    /// <summary>Forwards request 42 to <paramref name="datacenters"/> with a deadline <paramref name="budget"/> (default 5 minutes) from the manual clock's now.</summary>
    public Task<SignResponse> ForwardAsync(string[] datacenters, TimeSpan? budget = null, CancellationToken cancellationToken = default) =>
        Forwarder.ForwardAsync(Request(), datacenters, Clock.GetUtcNow() + (budget ?? TimeSpan.FromMinutes(5)), cancellationToken).AsTask().WaitAsync(HangGuard);

    /// <summary>Waits for the next <c>Sign</c> call at any fake.</summary>
    public async Task NextArrivalAsync()
    {
        Assert.True(await Arrivals.WaitAsync(HangGuard), "no request arrived at a fake keyserver");
    }

    public static SignRequest Request() => new()
    {
        Id = 42,
        Key = new KeyRef { KeyId = "eu-key" },
        Operation = Operation.EcdsaSha256,
        Payload = ByteString.CopyFrom(new byte[32]),
    };

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            Meters?.Dispose();
            await _provider.DisposeAsync();
        }

        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await Store.DisposeAsync();
        Tls.Dispose();
        Arrivals.Dispose();
        _directory.Dispose();
    }

    private async Task InitializeAsync(IReadOnlyDictionary<string, string?> overrides, Func<InMemoryControlPlaneStore, IControlPlaneStore>? store)
    {
        using (var seeder = new StoreSeeder(Store))
        {
            await seeder.SetTopologyAsync(
            [
                StoreSeeder.Datacenter("ams1", "EU", "NL"),
                StoreSeeder.Datacenter("fra1", "EU", "DE"),
                StoreSeeder.Datacenter("lon1", "UK", "GB"),
                StoreSeeder.Datacenter("nyc1", "NA", "US"),
                StoreSeeder.Datacenter("sfo1", "NA", "US"),
                StoreSeeder.Datacenter("sin1", "AP", "SG"),
            ]);
        }

        var pem = Tls.WritePem(_directory.Path);
        var settings = new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = SelfId,
            ["KeyServer:Datacenter"] = "lon1",
            ["Cluster:Forwarding:ClientCertificatePath"] = pem.ClientCertificate,
            ["Cluster:Forwarding:ClientKeyPath"] = pem.ClientKey,
            ["Cluster:Forwarding:TrustedCaPath"] = pem.CaCertificate,
            ["Cluster:Forwarding:AttemptTimeout"] = AttemptTimeout.ToString(),
            ["Cluster:Forwarding:MaxAttempts"] = "3",
            ["Cluster:Forwarding:BackoffBase"] = "00:00:00",
            ["Cluster:Forwarding:BackoffMax"] = "00:00:00",
            ["Cluster:Forwarding:RegionPreference:0"] = "EU",
            ["Cluster:Forwarding:RegionPreference:1"] = "NA",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key.StartsWith("Cluster:", StringComparison.Ordinal) ? key : "Cluster:Forwarding:" + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(store?.Invoke(Store) ?? Store);
        services.AddOptions<KeyServerOptions>().Bind(configuration.GetSection(KeyServerOptions.SectionName));
        services.AddKeyServerForwarding(configuration);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Meters = new MeterRecorder(_provider);
        _ = _provider.GetRequiredService<ForwardingMetrics>();
    }

    /// <summary>The hosted services forwarding registered (the directory refresher).</summary>
    public IEnumerable<IHostedService> HostedServices => _provider.GetServices<IHostedService>();
}
