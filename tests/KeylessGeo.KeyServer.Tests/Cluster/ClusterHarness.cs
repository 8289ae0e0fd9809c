using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// One keyserver of a cluster without a transport: AddKeyServerCore and AddKeyServerCluster over
/// a given store, with a <see cref="TestClock"/> (or another clock), its hosted services started
/// and stopped like a host does, every log entry captured.
/// </summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    /// <summary>How long a test waits for something that should happen at once before it fails instead of hanging.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _provider;
    private readonly List<IHostedService> _started = [];
    private readonly TempDirectory? _ownDirectory;

    private ClusterHarness(ServiceProvider provider, TempDirectory? ownDirectory, RecordingLoggerProvider logs, string keyserverId)
    {
        _provider = provider;
        _ownDirectory = ownDirectory;
        Logs = logs;
        KeyserverId = keyserverId;
    }

    public string KeyserverId { get; }

    public RecordingLoggerProvider Logs { get; }

    public IServiceProvider Services => _provider;

    public ISigningService Signing => _provider.GetRequiredService<ISigningService>();

    public KeyStore Keys => _provider.GetRequiredService<KeyStore>();

    public ClusterState State => _provider.GetRequiredService<ClusterState>();

    public ClusterMembershipService Membership => _provider.GetRequiredService<ClusterMembershipService>();

    public LocalWrappingKey WrappingKey => _provider.GetRequiredService<LocalWrappingKey>();

    /// <summary>
    /// Starts a keyserver of <paramref name="datacenter"/> over <paramref name="store"/>. Unless
    /// <paramref name="settings"/> say otherwise it has an empty key folder and a wrapping key file
    /// of its own in a private temporary folder.
    /// </summary>
    public static async Task<ClusterHarness> StartAsync(
        IControlPlaneStore store, string datacenter, TimeProvider? time = null, IDictionary<string, string?>? settings = null, string? keyserverId = null)
    {
        var own = new TempDirectory();
        keyserverId ??= "ks-" + datacenter;
        var values = new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = keyserverId,
            ["KeyServer:Datacenter"] = datacenter,
            ["KeyServer:KeysDirectory"] = own.Path,
            ["KeyServer:Admission:Workers"] = "2",
            ["KeyServer:Admission:Accelerator"] = "none",
            ["KeyServer:Admission:CalibrationDuration"] = "00:00:00",
            ["Cluster:Enabled"] = "true",
            ["Cluster:Silo:Enabled"] = "false",
            ["Cluster:Store:Kind"] = ClusterOptions.InMemoryStoreKind,
            ["Cluster:WrappingKeyPath"] = Path.Combine(own.Path, "wrapping-key.pem"),
            ["Cluster:AdvertisedEndpoints:0"] = $"grpc://{datacenter}.keyserver.test:7443",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(time ?? new TestClock());
        services.AddSingleton(store);
        services.AddKeyServerCore(configuration);
        services.AddKeyServerCluster(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var harness = new ClusterHarness(provider, own, logs, keyserverId);
        try
        {
            using var startup = new CancellationTokenSource(HangGuard);
            foreach (var service in provider.GetServices<IHostedService>())
            {
                await service.StartAsync(startup.Token);
                harness._started.Add(service);
            }
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }

        return harness;
    }

    public Task<SignResponse> SignAsync(string keyId, Operation operation, byte[] payload) => SignAsync(new KeyRef { KeyId = keyId }, operation, payload);

    public Task<SignResponse> SignAsync(KeyRef key, Operation operation, byte[] payload) =>
        Signing.SignAsync(new SignRequest { Id = 1, Key = key, Operation = operation, Payload = ByteString.CopyFrom(payload) }, null, CancellationToken.None).AsTask();

    /// <summary>Waits until the keyserver has applied <paramref name="revision"/> (fails after <see cref="HangGuard"/>).</summary>
    public async Task WhenAppliedAsync(long revision)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await State.WhenAppliedAsync(revision, guard.Token);
    }

    /// <summary>Every log message, with exception text, as one list.</summary>
    public IReadOnlyList<string> LogText() => [.. Logs.Entries.Select(e => $"{e.Category} {e.Level} {e.EventId.Name}: {e.Message} {e.Exception}")];

    /// <summary>Stops the hosted services (last started first), as a host shutting down cleanly does.</summary>
    public async Task StopAsync()
    {
        using var stop = new CancellationTokenSource(HangGuard);
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(stop.Token);
        }

        _started.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            await _provider.DisposeAsync();
            _ownDirectory?.Dispose();
        }
    }

    /// <summary>A token that cancels after <see cref="HangGuard"/>, for waits that should end long before.</summary>
    public static CancellationToken Guard() => new CancellationTokenSource(HangGuard).Token;
}
