using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.Placement;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KeylessGeo.StoreBench;

/// <summary>
/// "The first signature with a cold key": a store holding real P-256 keys wrapped exactly as the
/// control plane wraps them (a policy key wrapped to fra1's wrapping key, each private key under the
/// policy key), an in-process keyserver of fra1 (its core and cluster services over the store, no
/// transport, no silo: a key this datacenter may hold is signed where the request enters), then per
/// key one signature with the key cold — index lookup, the wrapped key fetched from the store,
/// both unwraps, the OpenSSL import, the signature — and one right after with the key warm (after
/// one unmeasured key, which pays for the code run the first time).
/// </summary>
internal sealed class ColdKeyRun(IBenchTarget target, int keyCount, TextWriter log) : IDisposable
{
    private const string PolicyId = "cold-policy";
    private const string Probe = "cold-probe";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "keylessgeo-coldbench-" + Guid.NewGuid().ToString("N"));

    public async Task<ColdKeyFigures> RunAsync()
    {
        Directory.CreateDirectory(_directory);
        var wrappingKeyPath = Path.Combine(_directory, "wrapping-key.pem");
        var revision = await SeedAsync(wrappingKeyPath);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks-coldbench",
            ["KeyServer:Datacenter"] = FeedRecords.Datacenter,
            ["KeyServer:KeysDirectory"] = _directory,
            ["KeyServer:Admission:Accelerator"] = "none",
            ["KeyServer:Admission:CalibrationDuration"] = "00:00:00",
            ["Cluster:Enabled"] = "true",
            ["Cluster:Silo:Enabled"] = "false",
            ["Cluster:Store:Kind"] = ClusterOptions.InMemoryStoreKind,
            ["Cluster:WrappingKeyPath"] = wrappingKeyPath,
            ["Cluster:AdvertisedEndpoints:0"] = "grpc://fra1.keyserver.bench:7443",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(target.Store);
        services.AddKeyServerCore(configuration);
        services.AddKeyServerCluster(configuration);
        await using var provider = services.BuildServiceProvider();
        var started = new List<IHostedService>();
        try
        {
            foreach (var service in provider.GetServices<IHostedService>())
            {
                await service.StartAsync(CancellationToken.None);
                started.Add(service);
            }

            using var ready = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await provider.GetRequiredService<ClusterState>().WhenAppliedAsync(revision, ready.Token);
            return await MeasureAsync(provider.GetRequiredService<ISigningService>(), provider.GetRequiredService<ManagedKeyBlobs>());
        }
        finally
        {
            for (var i = started.Count - 1; i >= 0; i--)
            {
                await started[i].StopAsync(CancellationToken.None);
            }
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<ColdKeyFigures> MeasureAsync(ISigningService signing, ManagedKeyBlobs blobs)
    {
        var digest = SHA256.HashData("handshake"u8);
        // A key of its own first, not measured: no measured signature pays for code run the first time.
        var probe = new SignRequest { Key = new KeyRef { KeyId = Probe }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(digest) };
        await TimeAsync(signing, probe);
        var fetchesBefore = blobs.Fetches;
        var cold = new List<double>();
        var warm = new List<double>();
        for (var i = 0; i < keyCount; i++)
        {
            var request = new SignRequest { Id = (ulong)i, Key = new KeyRef { KeyId = KeyId(i) }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(digest) };
            cold.Add(await TimeAsync(signing, request));
            warm.Add(await TimeAsync(signing, request));
        }

        var figures = new ColdKeyFigures(target.Name, keyCount, Percentiles.Of(cold, 50), Percentiles.Of(cold, 99), Percentiles.Of(warm, 50), Percentiles.Of(warm, 99), blobs.Fetches - fetchesBefore);
        log.WriteLine(figures.ToMarkdownRow());
        return figures;
    }

    private static async Task<double> TimeAsync(ISigningService signing, SignRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await signing.SignAsync(request, null, CancellationToken.None);
        var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result)
        {
            throw new InvalidOperationException($"signing with {request.Key.KeyId} failed: {response.Error.Code} {response.Error.Message}");
        }

        return milliseconds;
    }

    private static string KeyId(int index) => ColdKeyRecords.KeyId("cold", index);

    // Topology, fra1's wrapping key, one policy whose key is wrapped to it, and the keys.
    private async Task<long> SeedAsync(string wrappingKeyPath)
    {
        using var wrappingKey = DatacenterWrappingKey.LoadOrCreate(wrappingKeyPath, out _);
        using var policyKey = PolicyKey.Generate();
        var now = DateTimeOffset.UtcNow;
        var keys = new List<ManagedKeyRecord>(keyCount + 1) { ColdKeyRecords.Key(Probe, PolicyId, policyKey, now) };
        for (var i = 0; i < keyCount; i++)
        {
            keys.Add(ColdKeyRecords.Key(KeyId(i), PolicyId, policyKey, now));
        }

        var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
        var committed = await target.Store.CommitAsync(
            SyntheticRecords.Change("bench.cold", "keys") with
            {
                ReplaceTopology = FeedRecords.Topology,
                UpsertWrappingKeys = [ColdKeyRecords.WrappingKey(FeedRecords.Datacenter, wrappingKey, now)],
                UpsertPolicies = [ColdKeyRecords.Policy(PolicyId, policyKey, [(FeedRecords.Datacenter, wrappingKey)], now)],
                UpsertKeys = [.. keys],
            },
            revision,
            CancellationToken.None);
        return committed.Revision;
    }
}
