using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Tests;

/// <summary>Eight datacenters across five regions, two tiers and a few labels.</summary>
internal static class SampleTopology
{
    public const string Json = """
        {
          "datacenters": [
            { "id": "fra1", "region": "EU", "country": "DE", "tier": "high-security", "labels": ["pci"] },
            { "id": "ams1", "region": "EU", "country": "NL", "tier": "standard", "labels": ["edge"] },
            { "id": "cdg1", "region": "EU", "country": "FR", "tier": "standard", "labels": ["pci", "edge"] },
            { "id": "iad1", "region": "NA", "country": "US", "tier": "high-security", "labels": ["pci", "fips"] },
            { "id": "yyz1", "region": "NA", "country": "CA", "tier": "standard" },
            { "id": "gru1", "region": "SA", "country": "BR", "tier": "standard", "labels": ["edge"] },
            { "id": "nrt1", "region": "APAC", "country": "JP", "tier": "high-security", "labels": ["pci"] },
            { "id": "syd1", "region": "OC", "country": "AU", "tier": "standard", "labels": [] }
          ]
        }
        """;

    public static DatacenterTopology Load() => TopologyJson.Parse(Json);
}
