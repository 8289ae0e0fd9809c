using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Tests.Cluster.Orleans;
using KeylessGeo.Placement;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// Each keyserver's advertisement carries its view of its region's Orleans cluster, and the
/// control plane judges who is up by the freshest view rather than by lease expiry alone.
/// </summary>
public sealed class ClusterViewAdvertisementTests
{
    private static readonly Dictionary<string, string?> RenewalsLogged = new(StringComparer.Ordinal)
    {
        ["Logging:LogLevel:KeylessGeo.KeyServer.Cluster.ClusterMembershipService"] = "Debug",
    };

    [Fact]
    public async Task Advertisements_ListTheActiveMembersOfEachRegionsCluster_AndDropAStoppedMember()
    {
        await using var clusters = await RegionalClusters.StartAsync(RenewalsLogged);
        string[] eu = ["ks-ams1", "ks-fra1"];
        string[] na = ["ks-iad1", "ks-sfo1"];

        var before = await WhenLeasesAsync(clusters, leases =>
            Lists(leases, "ks-fra1", eu) && Lists(leases, "ks-ams1", eu) && Lists(leases, "ks-sfo1", na) && Lists(leases, "ks-iad1", na));

        Assert.All(before.Where(l => eu.Contains(l.KeyserverId)), l => Assert.Equal("keylessgeo-EU", l.ClusterId));
        Assert.All(before.Where(l => na.Contains(l.KeyserverId)), l => Assert.Equal("keylessgeo-NA", l.ClusterId));
        var lastOfAms1 = before.Single(l => l.KeyserverId == "ks-ams1");

        await clusters.StopAsync("ks-ams1");
        var after = await WhenLeasesAsync(clusters, leases => Lists(leases, "ks-fra1", ["ks-fra1"]));

        Assert.DoesNotContain(after, l => l.KeyserverId == "ks-ams1");
        Assert.True(after.Single(l => l.KeyserverId == "ks-fra1").ClusterVersion > lastOfAms1.ClusterVersion);
        Assert.True(Lists(after, "ks-sfo1", na) && Lists(after, "ks-iad1", na), "the other region's cluster is untouched");

        // A keyserver killed outright leaves its last lease behind until it expires: the control
        // plane must call it not-in-cluster from the survivors' newer view, not serving.
        await clusters.Store.RenewLeaseAsync(lastOfAms1, TimeSpan.FromMinutes(1), CancellationToken.None);
        var controlPlane = ControlPlaneServices.Create(clusters.Store, new ControlPlaneKeyring(DatacenterWrappingKey.Generate()), new ControlPlaneServiceOptions());
        var keyservers = await controlPlane.Keyservers.ListAsync(CancellationToken.None);

        Assert.Equal(
            [("ks-ams1", (bool?)false), ("ks-fra1", true), ("ks-iad1", true), ("ks-sfo1", true)],
            keyservers.Select(k => (k.KeyserverId, k.ClusterActive)));
    }

    private static bool Lists(IReadOnlyList<KeyserverLease> leases, string keyserverId, string[] members) =>
        leases.SingleOrDefault(l => l.KeyserverId == keyserverId) is { } lease && lease.ClusterMembers.SequenceEqual(members);

    /// <summary>
    /// Reads the live leases until they satisfy <paramref name="condition"/>, reading again after
    /// each lease renewal a member logs; fails after the hang guard.
    /// </summary>
    private static async Task<IReadOnlyList<KeyserverLease>> WhenLeasesAsync(RegionalClusters clusters, Func<IReadOnlyList<KeyserverLease>, bool> condition)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        while (true)
        {
            var seen = clusters.Members.Values.Select(m => m.Logs.Entries.Count).ToArray();
            var renewed = clusters.Members.Values.Select((m, i) => NextRenewalAsync(m.Logs, seen[i])).ToArray();
            var leases = await clusters.Store.ReadLiveLeasesAsync(guard.Token);
            if (condition(leases))
            {
                return leases;
            }

            await Task.WhenAny(renewed).WaitAsync(guard.Token);
        }
    }

    private static Task NextRenewalAsync(RecordingLoggerProvider logs, int after)
    {
        var earlier = logs.Entries.Take(after).ToHashSet(ReferenceEqualityComparer.Instance);
        return logs.WhenLoggedAsync("LeaseRenewed", entry => !earlier.Contains(entry));
    }
}
