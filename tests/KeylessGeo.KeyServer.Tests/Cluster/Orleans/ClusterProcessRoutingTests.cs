using System.Collections.Concurrent;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// Real keyserver processes in two regions (fra1, ams1 in EU; sfo1, iad1 in NA), embedded store
/// and membership: a key permitted only in fra1 is signed in fra1 wherever the request enters,
/// and never anywhere else, also while fra1's keyserver is killed and restarted.
/// </summary>
public sealed class ClusterProcessRoutingTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BulkDeadline = TimeSpan.FromSeconds(10);
    private static readonly string[] Entries = ["ks-fra1", "ks-ams1", "ks-sfo1"];
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private ClusterProcesses _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterProcesses.CreateAsync(async cluster =>
    {
        foreach (var datacenter in RegionalClusters.Topology)
        {
            await cluster.StartAsync("ks-" + datacenter.Id, datacenter.Id);
        }

        await StoreWaits.WhenWrappingKeysRegisteredAsync(cluster.Store, [.. RegionalClusters.Topology.Select(d => d.Id)]);
        await cluster.Seeder.CreatePolicyAsync("fra-only", "dc: fra1");
        await cluster.Seeder.ImportKeyAsync("k1", "fra-only", _key);
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task A_key_permitted_in_one_datacenter_is_signed_only_there_whichever_datacenter_or_region_the_request_enters()
    {
        var digest = SHA256.HashData("routing"u8);
        await WhenServedEverywhereAsync(digest);

        var served = new ConcurrentDictionary<string, int>();
        const int PerEntry = 3334;
        await Task.WhenAll(Entries.Select(entry => Task.Run(async () =>
        {
            var channel = _cluster.Channel(entry);
            // 16 in flight per entry point, with a generous deadline: the test asserts where keys
            // are signed, so it must not be answered OVERLOADED on a machine busy with other tests.
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

        output.WriteLine(string.Join("\n", served.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")));
        Assert.Equal(Entries.Select(e => $"{e} -> ks-fra1").Order(), served.Keys.Order());
        Assert.Equal(3 * PerEntry, served.Values.Sum());
    }

    [Fact]
    public async Task While_the_only_permitted_keyserver_is_killed_requests_fail_cleanly_within_their_deadline_and_none_is_signed_elsewhere()
    {
        var digest = SHA256.HashData("kill"u8);
        await WhenServedEverywhereAsync(digest);

        await _cluster.KillAsync("ks-fra1");
        var outcomes = new ConcurrentDictionary<string, int>();
        var started = DateTime.UtcNow;
        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            ClusterProcesses.SignAsync(_cluster.Channel(Entries[1 + (i % 2)]), "k1", Operation.EcdsaSha256, digest, (ulong)i, Deadline)));
        foreach (var response in responses)
        {
            Assert.Equal(SignResponse.OutcomeOneofCase.Error, response.OutcomeCase);
            Assert.Contains(response.Error.Code, new[] { ErrorCode.Unavailable, ErrorCode.DeadlineExceeded });
            outcomes.AddOrUpdate(response.Error.Code.ToString(), 1, (_, n) => n + 1);
        }

        output.WriteLine($"with fra1 down: {string.Join(", ", outcomes.Select(p => $"{p.Key} {p.Value}"))} in {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms");

        await _cluster.StartAsync("ks-fra1", "fra1");
        await WhenServedEverywhereAsync(digest);
    }

    private Task WhenServedEverywhereAsync(byte[] digest) => ClusterProcesses.WhenServedAsync(_cluster, Entries, "k1", digest, "ks-fra1");
}
