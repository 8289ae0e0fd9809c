using System.Collections.Immutable;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>The topology most tests use: three EU datacenters and one in North America.</summary>
public static class TestTopology
{
    public const string Json = """
        {
          "datacenters": [
            { "id": "fra1", "region": "EU", "country": "DE", "tier": "high-security", "labels": ["pci"] },
            { "id": "ams1", "region": "EU", "country": "NL", "tier": "standard", "labels": ["edge"] },
            { "id": "cdg1", "region": "EU", "country": "FR", "tier": "standard" },
            { "id": "iad1", "region": "NA", "country": "US", "tier": "high-security", "labels": ["pci", "fips"] }
          ]
        }
        """;

    public static ImmutableArray<string> Ids { get; } = ["ams1", "cdg1", "fra1", "iad1"];

    public static ImmutableArray<Datacenter> Datacenters => TopologyJson.Parse(Json).Datacenters;

    public static Datacenter Dc(string id, string region, string country, string tier = "standard", params string[] labels) => new()
    {
        Id = id,
        Region = region,
        Country = country,
        Tier = tier,
        Labels = labels.ToImmutableSortedSet(StringComparer.Ordinal),
    };
}
