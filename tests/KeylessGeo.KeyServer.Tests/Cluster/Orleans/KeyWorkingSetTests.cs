using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Keys;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// 100,000 managed keys, a few hundred of them hot: key grains and opened private keys exist for
/// the hot ones only, and idle deactivation drops them again. Memory is bounded by the working
/// set, not by the key count (the figures are printed; docs/BENCHMARKS.md records them).
/// </summary>
public sealed class KeyWorkingSetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int KeyCount = 100_000;
    private const int HotKeys = 300;
    private readonly List<ECDsa> _hot = [];
    private RegionalClusters _clusters = null!;

    public async Task InitializeAsync()
    {
        _clusters = await RegionalClusters.StartAsync(
            new Dictionary<string, string?> { ["Cluster:Silo:KeyIdleTimeout"] = "00:00:02" }, datacenters: ["fra1", "ams1"]);
        await _clusters.Seeder.CreatePolicyAsync("fra-only", "dc: fra1");
        var keys = new (string KeyId, AsymmetricAlgorithm Key)[KeyCount];
        Parallel.For(0, KeyCount, i => keys[i] = ($"key-{i:D6}", ECDsa.Create(ECCurve.NamedCurves.nistP256)));
        var started = DateTime.UtcNow;
        var revision = await _clusters.Seeder.ImportKeysAsync("fra-only", keys);
        _hot.AddRange(keys.Take(HotKeys).Select(k => (ECDsa)k.Key));
        foreach (var (_, key) in keys.Skip(HotKeys))
        {
            key.Dispose();
        }

        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        foreach (var member in _clusters.Members.Values)
        {
            await member.Get<ClusterState>().WhenAppliedAsync(revision, guard.Token);
        }

        output.WriteLine($"{KeyCount} keys committed and applied by both keyservers in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
    }

    public async Task DisposeAsync()
    {
        await _clusters.DisposeAsync();
        _hot.ForEach(k => k.Dispose());
    }

    [Fact]
    public async Task Only_hot_keys_have_grains_and_opened_keys_and_idle_grains_drop_theirs()
    {
        var fra1 = _clusters["ks-fra1"];
        var activations = fra1.Get<LocalKeyActivations>();
        var keys = fra1.Get<KeyStore>();
        Assert.Equal(KeyCount, keys.IndexedKeyCount);
        Assert.Equal(0, keys.LoadedPrivateKeyCount);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        var digest = SHA256.HashData("hot"u8);
        for (var round = 0; round < 3; round++)
        {
            // 50 in flight at a time: well inside admission control's queue, so every answer is a signature.
            var responses = new List<SignResponse>();
            foreach (var chunk in Enumerable.Range(0, HotKeys).Chunk(50))
            {
                responses.AddRange(await Task.WhenAll(chunk.Select(i =>
                    RegionalClusters.SignAsync(_clusters["ks-ams1"].Channel, $"key-{i:D6}", Operation.EcdsaSha256, digest, (ulong)i))));
            }

            for (var i = 0; i < HotKeys; i++)
            {
                Assert.True(responses[i].OutcomeCase == SignResponse.OutcomeOneofCase.Result, responses[i].Error?.ToString());
                Assert.Equal("ks-fra1", responses[i].ServedBy.KeyserverId);
                Assert.True(_hot[i].VerifyHash(digest, responses[i].Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
            }
        }

        var hotGrains = activations.Count;
        Assert.Equal(HotKeys, hotGrains);
        Assert.Equal(HotKeys, keys.LoadedPrivateKeyCount);
        var heapHot = GC.GetTotalMemory(forceFullCollection: true);

        // Idle deactivation (KeyIdleTimeout 2 s): every hot grain leaves and drops its opened key.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (activations.Count > 0 || keys.LoadedPrivateKeyCount > 0)
        {
            await Task.Delay(100, guard.Token);
        }

        var heapIdle = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine(
            $"{KeyCount} managed keys indexed in each of two keyservers; in-process managed heap (both keyservers and the test): " +
            $"{heapBefore / 1e6:F1} MB cold, {heapHot / 1e6:F1} MB with {HotKeys} hot keys ({hotGrains} grains), {heapIdle / 1e6:F1} MB after idle deactivation");
    }
}
