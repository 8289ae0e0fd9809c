using System.Diagnostics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Cluster;
using KeylessGeo.KeyServer.Tests.Cluster.Orleans;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Discovery;

/// <summary>
/// <c>WatchKeyservers</c> on real keyserver processes (embedded store and membership): a keyserver
/// killed with SIGKILL leaves no goodbye and a live lease behind, yet the next lists show it not
/// serving, from Orleans membership, long before its lease could expire; started again, it serves again.
/// </summary>
public sealed class ProcessClusterWatchKeyserversTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Far longer than Orleans needs to declare a killed silo dead, so the lease is certainly still
    // live when the list says "not serving": that answer can only come from membership.
    private static readonly Dictionary<string, string> LongLease = new() { ["Cluster:LeaseTimeToLive"] = "00:01:00" };

    private ClusterProcesses _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterProcesses.CreateAsync(async cluster =>
    {
        await cluster.StartAsync("ks-fra1", "fra1", LongLease);
        await cluster.StartAsync("ks-fra1-b", "fra1", LongLease);
        await StoreWaits.WhenWrappingKeysRegisteredAsync(cluster.Store, ["fra1"]);
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AKilledKeyserver_IsListedNotServing_WhileItsLeaseIsLive_AndServesAgainAfterARestart()
    {
        using var watch = new GrpcWatch(_cluster.Channel("ks-fra1"));
        await watch.UntilAsync(l => Serving(l).SetEquals(["ks-fra1", "ks-fra1-b"]) && l.Keyservers.All(k => k.GrpcEndpoints.Count > 0));

        var clock = Stopwatch.StartNew();
        await _cluster.KillAsync("ks-fra1-b");
        var down = await watch.UntilAsync(l => !Serving(l).Contains("ks-fra1-b"));
        output.WriteLine($"killed keyserver listed not serving {clock.Elapsed.TotalMilliseconds:F0} ms after SIGKILL");
        var lease = (await _cluster.Store.ReadLiveLeasesAsync(ClusterHarness.Guard())).SingleOrDefault(l => l.KeyserverId == "ks-fra1-b");

        Assert.NotNull(lease);
        Assert.False(down.Keyservers.Single(k => k.KeyserverId == "ks-fra1-b").Serving);

        clock.Restart();
        var restarted = await _cluster.StartAsync("ks-fra1-b", "fra1", LongLease);
        var endpoint = $"https://127.0.0.1:{restarted.GrpcEndPoint.Port}";

        // Serving again, at the endpoint the new process bound.
        await watch.UntilAsync(l => Serving(l).SetEquals(["ks-fra1", "ks-fra1-b"])
            && l.Keyservers.Single(k => k.KeyserverId == "ks-fra1-b").GrpcEndpoints.SequenceEqual([endpoint]));
        output.WriteLine($"restarted keyserver listed serving {clock.Elapsed.TotalMilliseconds:F0} ms after its process was started");
    }

    private static HashSet<string> Serving(KeyserverList list) =>
        list.Keyservers.Where(k => k.Serving).Select(k => k.KeyserverId).ToHashSet(StringComparer.Ordinal);
}
