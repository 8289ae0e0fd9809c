using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Forwarding;
using KeylessGeo.KeyServer.Tests.Cluster;

namespace KeylessGeo.KeyServer.Tests.Forwarding;

public sealed class RemoteKeyserverViewTests
{
    private static readonly DatacenterRecord[] Topology =
    [
        StoreSeeder.Datacenter("ams1", "EU", "NL"),
        StoreSeeder.Datacenter("fra1", "EU", "DE"),
        StoreSeeder.Datacenter("nyc1", "NA", "US"),
        StoreSeeder.Datacenter("sin1", "AP", "SG"),
        StoreSeeder.Datacenter("syd1", "AU", "AU"),
    ];

    private static readonly string[] Everywhere = ["ams1", "fra1", "nyc1", "sin1", "syd1"];

    [Fact]
    public void Candidates_ComeInRegionPreferenceOrder_ThenUnlistedRegionsAlphabetically()
    {
        var view = Build(["NA", "eu"], Lease("ks-syd", "syd1"), Lease("ks-sin", "sin1"), Lease("ks-fra", "fra1"), Lease("ks-nyc", "nyc1"));

        var order = view.Candidates(Everywhere, new Random(1)).Select(k => k.KeyserverId);

        Assert.Equal(["ks-nyc", "ks-fra", "ks-sin", "ks-syd"], order);
    }

    [Fact]
    public void Candidates_AreOnlyThoseOfThePermittedDatacenters_NeverThisKeyserver()
    {
        var view = Build(["EU"], Lease("ks-self", "fra1"), Lease("ks-fra", "fra1"), Lease("ks-ams", "ams1"), Lease("ks-nyc", "nyc1"));

        var candidates = view.Candidates(["fra1", "nyc1"], new Random(1));

        Assert.Equal(["ks-fra", "ks-nyc"], candidates.Select(k => k.KeyserverId));
        Assert.Equal(new RemoteKeyserver("ks-fra", "fra1", "EU", "https://fra.test:7443", 1), candidates[0]);
    }

    [Fact]
    public void Candidates_WithinARegion_SpreadTheFirstChoiceByCapacity()
    {
        var view = Build([], Lease("ks-big", "fra1", capacity: 3000), Lease("ks-small", "ams1", capacity: 1000));
        var random = new Random(7);

        var firsts = Enumerable.Range(0, 4000).Select(_ => view.Candidates(Everywhere, random)[0].KeyserverId).ToList();

        // Expected 3000 : 1000; a seeded generator makes the count exact, the range says what matters.
        Assert.InRange(firsts.Count(id => id == "ks-big"), 2800, 3200);
        Assert.InRange(firsts.Count(id => id == "ks-small"), 800, 1200);
    }

    [Fact]
    public void Build_LeavesOutLeasesWithoutAGrpcEndpointOrAKnownDatacenter()
    {
        var view = Build(
            [],
            Lease("ks-ok", "fra1"),
            Lease("ks-keyless-only", "fra1", endpoints: ["keyless://fra.test:2407"]),
            Lease("ks-unknown-dc", "mars1"));

        Assert.Equal(1, view.Count);
        Assert.Equal(2, view.Skipped);
        Assert.Equal(["https://fra.test:7443"], view.Endpoints);
    }

    [Theory]
    [InlineData(new[] { "keyless://k.test:2407", "grpc://k.test:7443" }, "https://k.test:7443")]
    [InlineData(new[] { "https://10.0.0.5:8443" }, "https://10.0.0.5:8443")]
    [InlineData(new[] { "https://k.test" }, "https://k.test")]
    [InlineData(new[] { "grpc://k.test" }, null)]
    [InlineData(new[] { "http://127.0.0.1:7443", "not a uri" }, null)]
    public void GrpcEndpoint_PicksTheFirstMutualTlsGrpcAddress(string[] advertised, string? expected)
    {
        Assert.Equal(expected, GrpcEndpoint.Select(advertised));
    }

    private static RemoteKeyserverView Build(string[] preference, params KeyserverLease[] leases) =>
        RemoteKeyserverView.Build(leases, Topology, "ks-self", preference, DateTimeOffset.UnixEpoch);

    private static KeyserverLease Lease(string id, string datacenter, double capacity = 0, string[]? endpoints = null) => new()
    {
        KeyserverId = id,
        DatacenterId = datacenter,
        Endpoints = [.. endpoints ?? [$"grpc://{datacenter[..3]}.test:7443"]],
        Capacity = capacity > 0 ? ImmutableSortedDictionary<string, double>.Empty.Add("ecdsa-p256", capacity) : ImmutableSortedDictionary<string, double>.Empty,
    };
}
