using System.Collections.Concurrent;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Testing.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// The process routing test with Redis membership and directory: four real keyserver processes
/// in two regions, a real <c>redis-server</c>; a key permitted only in fra1 is signed by ks-fra1
/// whether the request enters at fra1, at ams1 (Orleans hop, grain found in the Redis directory)
/// or at sfo1 (gRPC forward).
/// </summary>
public sealed class RedisClusterProcessTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int PerEntry = 1000;
    private static readonly TimeSpan BulkDeadline = TimeSpan.FromSeconds(10);
    private static readonly string[] Entries = ["ks-fra1", "ks-ams1", "ks-sfo1"];
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private RedisServer? _redis;
    private ClusterProcesses? _cluster;

    public async Task InitializeAsync()
    {
        // xUnit does not call DisposeAsync when InitializeAsync throws: whatever started is stopped here.
        try
        {
            await StartClusterAsync();
        }
        catch
        {
            await DisposeAsync();
            _cluster = null;
            _redis = null;
            throw;
        }
    }

    private async Task StartClusterAsync()
    {
        _redis = await RedisServer.StartAsync();
        _cluster = await ClusterProcesses.CreateAsync();
        var redis = new Dictionary<string, string>
        {
            ["Cluster:Membership:Kind"] = "redis",
            ["Cluster:Membership:ConnectionString"] = _redis.ConnectionString,
        };
        foreach (var datacenter in RegionalClusters.Topology)
        {
            await _cluster.StartAsync("ks-" + datacenter.Id, datacenter.Id, redis);
        }

        await StoreWaits.WhenWrappingKeysRegisteredAsync(_cluster.Store, [.. RegionalClusters.Topology.Select(d => d.Id)]);
        await _cluster.Seeder.CreatePolicyAsync("fra-only", "dc: fra1");
        await _cluster.Seeder.ImportKeyAsync("k1", "fra-only", _key);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task A_key_permitted_in_one_datacenter_is_signed_only_there_with_membership_and_directory_in_Redis()
    {
        var digest = SHA256.HashData("redis processes"u8);
        await ClusterProcesses.WhenServedAsync(_cluster!, Entries, "k1", digest, "ks-fra1");

        var served = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Task.WhenAll(Entries.Select(entry => Task.Run(async () =>
        {
            var channel = _cluster!.Channel(entry);
            // 16 in flight per entry point with a generous deadline (see ClusterProcessRoutingTests).
            for (var batch = 0; batch < PerEntry; batch += 16)
            {
                var responses = await Task.WhenAll(Enumerable.Range(batch, Math.Min(16, PerEntry - batch)).Select(i =>
                    ClusterProcesses.SignAsync(channel, "k1", Operation.EcdsaSha256, digest, (ulong)i, BulkDeadline)));
                foreach (var response in responses)
                {
                    Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, $"{entry}: {response.Error}");
                    Assert.True(_key.VerifyHash(digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
                    served.AddOrUpdate($"{entry} -> {response.ServedBy.KeyserverId}", 1, (_, n) => n + 1);
                }
            }
        })));

        output.WriteLine(string.Join("\n", served.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}")));
        Assert.Equal(Entries.Select(e => $"{e} -> ks-fra1").Order(StringComparer.Ordinal), served.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Entries.Length * PerEntry, served.Values.Sum());

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis!.ConnectionString);
        var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        Assert.Contains("keylessgeo/members/keylessgeo-EU", keys);
        Assert.Contains("keylessgeo/members/keylessgeo-NA", keys);
        Assert.Contains("keylessgeo-EU/directory/key/k1", keys);
    }
}
