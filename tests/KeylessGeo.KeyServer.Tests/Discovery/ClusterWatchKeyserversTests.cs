using System.Diagnostics;
using System.Globalization;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Cluster.Orleans;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Discovery;

/// <summary>
/// <c>WatchKeyservers</c> over real gRPC against in-process keyservers that host Orleans silos and
/// advertise themselves in a shared control-plane store: the list follows keyservers of a
/// datacenter joining and leaving, filters by datacenter, and a stream nobody reads holds up no one.
/// </summary>
public sealed class ClusterWatchKeyserversTests(ITestOutputHelper output) : IAsyncLifetime
{
    private RegionalClusters _clusters = null!;

    public async Task InitializeAsync()
    {
        _clusters = await RegionalClusters.StartAsync(datacenters: ["fra1", "ams1"]);
        await _clusters.AddAsync("ks-fra1-b", "fra1");
    }

    public async Task DisposeAsync() => await _clusters.DisposeAsync();

    [Fact]
    public async Task TheListFollowsTheDatacentersKeyservers_AsTheyStopAndStart()
    {
        var fra1 = _clusters["ks-fra1"];
        using var fast = new GrpcWatch(fra1.Channel);
        using var slow = new GrpcWatch(fra1.Channel);
        using var fromAms1 = new GrpcWatch(_clusters["ks-ams1"].Channel, "fra1");
        await slow.NextAsync();

        // Both keyservers of fra1, each with the endpoints it bound and its place in the topology. (A
        // keyserver's first advertisement can go out before Kestrel has bound its ports; the
        // next renewal carries them.)
        var both = await fast.UntilAsync(l => Serving(l).SetEquals(["ks-fra1", "ks-fra1-b"]) && l.Keyservers.All(k => k.GrpcEndpoints.Count > 0));
        foreach (var id in new[] { "ks-fra1", "ks-fra1-b" })
        {
            var entry = both.Keyservers.Single(k => k.KeyserverId == id);
            var host = _clusters[id].Host;
            Assert.Equal(new[] { host.Address.GetLeftPart(UriPartial.Authority) }, entry.GrpcEndpoints);
            Assert.Equal(new[] { string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{host.KeylessEndPoint!.Port}") }, entry.KeylessEndpoints);
            Assert.Equal(("fra1", "EU", "DE"), (entry.Datacenter, entry.Region, entry.Country));
        }

        // Asked elsewhere for fra1: the same keyservers, served by ks-ams1, and ks-ams1 not among them.
        var filtered = await fromAms1.UntilAsync(l => Serving(l).SetEquals(["ks-fra1", "ks-fra1-b"]));
        Assert.Equal("ks-ams1", filtered.ServedBy.KeyserverId);
        Assert.Equal(2, filtered.Keyservers.Count);

        // One stops: the next lists show it not serving, then gone.
        // (The times are reported, not asserted.)
        var clock = Stopwatch.StartNew();
        await _clusters.StopAsync("ks-fra1-b");
        var stopped = clock.Elapsed;
        await fast.UntilAsync(l => !Serving(l).Contains("ks-fra1-b"));
        var notServing = clock.Elapsed;
        await fast.UntilAsync(l => l.Keyservers.All(k => k.KeyserverId != "ks-fra1-b"));
        output.WriteLine($"clean stop took {stopped.TotalMilliseconds:F0} ms; not serving after {notServing.TotalMilliseconds:F0} ms, gone after {clock.Elapsed.TotalMilliseconds:F0} ms");

        // Another starts: it appears.
        clock.Restart();
        await _clusters.AddAsync("ks-fra1-c", "fra1");
        var started = clock.Elapsed;
        await fast.UntilAsync(l => Serving(l).SetEquals(["ks-fra1", "ks-fra1-c"]));
        output.WriteLine($"start took {started.TotalMilliseconds:F0} ms; listed serving after {clock.Elapsed.TotalMilliseconds:F0} ms");
        await fromAms1.UntilAsync(l => Serving(l).SetEquals(["ks-fra1", "ks-fra1-c"]));

        // The stream nobody read meanwhile is still open and catches up with the same list.
        await slow.UntilAsync(l => Serving(l).SetEquals(["ks-fra1", "ks-fra1-c"]));
        Assert.All(fast.Received.Concat(slow.Received).Concat(fromAms1.Received).SelectMany(l => l.Keyservers), k => Assert.Equal("fra1", k.Datacenter));
        Assert.DoesNotContain(
            _clusters.Members.Values.SelectMany(m => m.Logs.Entries),
            e => e.Category.StartsWith("KeylessGeo.KeyServer.Discovery", StringComparison.Ordinal) && e.Level >= LogLevel.Warning);
    }

    private static HashSet<string> Serving(KeyserverList list) =>
        list.Keyservers.Where(k => k.Serving).Select(k => k.KeyserverId).ToHashSet(StringComparer.Ordinal);
}
