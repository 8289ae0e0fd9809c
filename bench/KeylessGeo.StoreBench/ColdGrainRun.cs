using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Placement;
using KeylessGeo.Serving.Signing;
using KeylessGeo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.StoreBench;

/// <summary>
/// "The first signature with a cold key" through the key grain: one Orleans region of two real
/// keyservers in this process — ks-fra1 and ks-ams1, each its whole application (silo with mutual
/// TLS on loopback, embedded membership, the cluster services) over the store under measurement —
/// and one policy permitting fra1 alone. A request for one of its keys entering at ams1 goes to the
/// key's grain, which the first request activates on fra1's silo: placement, the directory entry,
/// the wrapped key fetched from the store, both unwraps, the OpenSSL import, then the signature and
/// the answer back to ams1. Per key one signature cold and one right after warm (the grain active,
/// its place known to ams1). For reference, as many other keys entering at fra1 itself: signed
/// there without a grain (the path <c>--mode cold</c> measures, here inside the whole application).
/// </summary>
internal sealed class ColdGrainRun(IBenchTarget target, int keyCount, TextWriter log) : IDisposable
{
    private const string PolicyId = "fra1-only";
    private const string Home = FeedRecords.Datacenter;
    private const string Entry = "ams1";
    private const string GrainProbe = "probe-grain";
    private const string LocalProbe = "probe-local";
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(2);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "keylessgeo-coldgrain-" + Guid.NewGuid().ToString("N"));

    public async Task<IReadOnlyList<ColdGrainFigures>> RunAsync()
    {
        Directory.CreateDirectory(_directory);
        using var tls = TestTlsMaterial.Create();
        var revision = await SeedAsync();
        await using var home = await StartAsync(tls, Home);
        await using var entry = await StartAsync(tls, Entry);
        using (var ready = new CancellationTokenSource(StartBound))
        {
            await home.Services.GetRequiredService<ClusterState>().WhenAppliedAsync(revision, ready.Token);
            await entry.Services.GetRequiredService<ClusterState>().WhenAppliedAsync(revision, ready.Token);
        }

        var homeSigning = home.Services.GetRequiredService<ISigningService>();
        var entrySigning = entry.Services.GetRequiredService<ISigningService>();
        // Once each path works (the silos know each other), with a key of its own: nothing
        // measured pays for the first connection between the silos or for code run the first time.
        await WhenRoutedAsync(entrySigning, GrainProbe);
        await SignAsync(homeSigning, LocalProbe, expectedSigner: "ks-" + Home);

        var blobs = home.Services.GetRequiredService<ManagedKeyBlobs>();
        var activations = home.Services.GetRequiredService<LocalKeyActivations>();
        var local = await MeasureAsync($"{Home} → {Home} (local, no grain)", homeSigning, "local", blobs, activations);
        var grain = await MeasureAsync($"{Entry} → key grain on {Home}", entrySigning, "grain", blobs, activations);
        return [local, grain];
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<ColdGrainFigures> MeasureAsync(string path, ISigningService signing, string prefix, ManagedKeyBlobs blobs, LocalKeyActivations activations)
    {
        var fetchesBefore = blobs.Fetches;
        var activationsBefore = activations.Count;
        var cold = new List<double>(keyCount);
        var warm = new List<double>(keyCount);
        for (var i = 0; i < keyCount; i++)
        {
            var keyId = ColdKeyRecords.KeyId(prefix, i);
            cold.Add(await SignAsync(signing, keyId, expectedSigner: "ks-" + Home));
            warm.Add(await SignAsync(signing, keyId, expectedSigner: "ks-" + Home));
        }

        var figures = new ColdGrainFigures(
            target.Name, path, keyCount, Percentiles.Of(cold, 50), Percentiles.Of(cold, 99), Percentiles.Of(warm, 50), Percentiles.Of(warm, 99),
            blobs.Fetches - fetchesBefore, activations.Count - activationsBefore);
        log.WriteLine(figures.ToMarkdownRow());
        return figures;
    }

    /// <summary>Milliseconds for one signature with <paramref name="keyId"/>, which must come from <paramref name="expectedSigner"/> (else the path measured is not the one named).</summary>
    private static async Task<double> SignAsync(ISigningService signing, string keyId, string expectedSigner)
    {
        var request = Request(keyId);
        var started = Stopwatch.GetTimestamp();
        var response = await signing.SignAsync(request, null, CancellationToken.None);
        var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result)
        {
            throw new InvalidOperationException($"signing with {keyId} failed: {response.Error.Code} {response.Error.Message}");
        }

        if (response.ServedBy.KeyserverId != expectedSigner)
        {
            throw new InvalidOperationException($"{keyId} was signed by {response.ServedBy.KeyserverId}, not {expectedSigner}");
        }

        return milliseconds;
    }

    /// <summary>Asks until the region routes <paramref name="keyId"/> to its grain (a region just started may answer with an error for a moment).</summary>
    private static async Task WhenRoutedAsync(ISigningService signing, string keyId)
    {
        using var bound = new CancellationTokenSource(StartBound);
        while (true)
        {
            var response = await signing.SignAsync(Request(keyId), null, CancellationToken.None);
            if (response.OutcomeCase == SignResponse.OutcomeOneofCase.Result)
            {
                return;
            }

            if (bound.IsCancellationRequested)
            {
                throw new InvalidOperationException($"the region did not route {keyId} within {StartBound}: {response.Error.Code} {response.Error.Message}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }
    }

    private static SignRequest Request(string keyId) => new()
    {
        Id = 1,
        Key = new KeyRef { KeyId = keyId },
        Operation = Operation.EcdsaSha256,
        Payload = ByteString.CopyFrom(SHA256.HashData("handshake"u8)),
    };

    /// <summary>Keyserver ks-<paramref name="datacenter"/>, its wrapping key already registered (<see cref="SeedAsync"/>).</summary>
    private async Task<KeyServerTestHost> StartAsync(TestTlsMaterial tls, string datacenter)
    {
        var keys = Directory.CreateDirectory(Path.Combine(_directory, datacenter + "-keys")).FullName;
        return await KeyServerTestHost.StartAsync(keys, tls, new KeyServerTestHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["KeyServer:Id"] = "ks-" + datacenter,
                ["KeyServer:Datacenter"] = datacenter,
                ["KeyServer:Admission:DefaultDeadline"] = "00:00:30",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Cluster:Enabled"] = "true",
                ["Cluster:Store:Kind"] = ClusterOptions.InMemoryStoreKind,
                ["Cluster:WrappingKeyPath"] = WrappingKeyPath(datacenter),
                ["Cluster:Silo:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Cluster:Membership:Kind"] = "embedded",
                ["Cluster:Membership:Directory"] = Directory.CreateDirectory(Path.Combine(_directory, "membership")).FullName,
            },
            // Both keyservers use the store under measurement (the "in-memory" kind takes this instance).
            Store = target.Store,
        });
    }

    private string WrappingKeyPath(string datacenter) => Path.Combine(_directory, datacenter + "-wrapping-key.pem");

    // Topology (fra1 and ams1, both EU), both wrapping keys, the fra1-only policy, and the keys:
    // two probes and keyCount keys for each path.
    private async Task<long> SeedAsync()
    {
        using var homeKey = DatacenterWrappingKey.LoadOrCreate(WrappingKeyPath(Home), out _);
        using var entryKey = DatacenterWrappingKey.LoadOrCreate(WrappingKeyPath(Entry), out _);
        using var policyKey = PolicyKey.Generate();
        var now = DateTimeOffset.UtcNow;
        var keys = new List<ManagedKeyRecord>((2 * keyCount) + 2)
        {
            ColdKeyRecords.Key(GrainProbe, PolicyId, policyKey, now),
            ColdKeyRecords.Key(LocalProbe, PolicyId, policyKey, now),
        };
        foreach (var prefix in (string[])["local", "grain"])
        {
            for (var i = 0; i < keyCount; i++)
            {
                keys.Add(ColdKeyRecords.Key(ColdKeyRecords.KeyId(prefix, i), PolicyId, policyKey, now));
            }
        }

        var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
        var committed = await target.Store.CommitAsync(
            SyntheticRecords.Change("bench.coldgrain", "keys") with
            {
                ReplaceTopology = FeedRecords.Topology,
                UpsertWrappingKeys = [ColdKeyRecords.WrappingKey(Home, homeKey, now), ColdKeyRecords.WrappingKey(Entry, entryKey, now)],
                UpsertPolicies = [ColdKeyRecords.Policy(PolicyId, policyKey, [(Home, homeKey)], now)],
                UpsertKeys = [.. keys],
            },
            revision,
            CancellationToken.None);
        return committed.Revision;
    }
}
