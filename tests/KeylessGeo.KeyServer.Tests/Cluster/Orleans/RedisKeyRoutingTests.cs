using System.Collections.Concurrent;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.Testing.Redis;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// The routing of <see cref="KeyRoutingTests"/> with both regions' membership and grain directory
/// in Redis (a real <c>redis-server</c> on a free port): a key permitted only in fra1 is signed
/// by ks-fra1 whether the request enters at fra1, at ams1 (Orleans hop) or at sfo1 (gRPC forward).
/// </summary>
public sealed class RedisKeyRoutingTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int PerEntry = 200;
    private static readonly string[] Entries = ["ks-fra1", "ks-ams1", "ks-sfo1"];
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private RedisServer _redis = null!;
    private RegionalClusters _clusters = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _clusters = await RegionalClusters.StartAsync(new Dictionary<string, string?>
        {
            ["Cluster:Membership:Kind"] = "redis",
            ["Cluster:Membership:ConnectionString"] = _redis.ConnectionString,
            ["Cluster:Membership:Directory"] = null,
        });
        await _clusters.Seeder.CreatePolicyAsync("fra-only", "dc: fra1");
        await _clusters.AppliedAsync(await _clusters.Seeder.ImportKeyAsync("k1", "fra-only", _key));
    }

    public async Task DisposeAsync()
    {
        if (_clusters is not null)
        {
            await _clusters.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task A_key_permitted_in_one_datacenter_is_signed_only_there_wherever_the_request_enters_with_membership_and_directory_in_Redis()
    {
        var digest = SHA256.HashData("redis"u8);
        var served = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Task.WhenAll(Entries.Select(entry => Task.Run(async () =>
        {
            var channel = _clusters[entry].Channel;
            for (var batch = 0; batch < PerEntry; batch += 50)
            {
                var responses = await Task.WhenAll(Enumerable.Range(batch, 50).Select(i =>
                    RegionalClusters.SignAsync(channel, "k1", Operation.EcdsaSha256, digest, (ulong)i)));
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
        Assert.True(_clusters["ks-fra1"].Get<LocalKeyActivations>().IsActive("k1"));
        Assert.False(_clusters["ks-ams1"].Get<LocalKeyActivations>().IsActive("k1"));

        // The cluster really keeps its state in Redis: both regions' membership, and k1's grain
        // registered in the directory.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*").Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();
        output.WriteLine("Redis keys: " + string.Join(", ", keys));
        Assert.Contains("keylessgeo/members/keylessgeo-EU", keys);
        Assert.Contains("keylessgeo/members/keylessgeo-NA", keys);
        Assert.Contains("keylessgeo-EU/directory/key/k1", keys);
    }
}
