using System.Text;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Tests.Topology;

public sealed class TopologyJsonTests
{
    [Fact]
    public void Parse_WhenValid_KeepsOrderAndAttributes()
    {
        var topology = SampleTopology.Load();

        Assert.Equal(["fra1", "ams1", "cdg1", "iad1", "yyz1", "gru1", "nrt1", "syd1"], topology.Datacenters.Select(d => d.Id));
        Assert.True(topology.TryGet("cdg1", out var cdg1));
        Assert.Equal("EU", cdg1.Region);
        Assert.Equal("FR", cdg1.Country);
        Assert.Equal("standard", cdg1.Tier);
        Assert.Equal(["edge", "pci"], cdg1.Labels);
        Assert.Equal(["high-security", "standard"], topology.Tiers.Order(StringComparer.Ordinal));
        Assert.Equal(["edge", "fips", "pci"], topology.Labels.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_FromStream_ParsesTheSameTopology()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(SampleTopology.Json));

        var topology = TopologyJson.Load(stream);

        Assert.Equal(SampleTopology.Load().Datacenters.ToArray(), topology.Datacenters.ToArray());
    }

    [Fact]
    public void Parse_WhenManyProblems_ReportsEveryErrorNamingDatacenterFieldAndValue()
    {
        const string json = """
            {"datacenters": [
              {"id": "fra1", "region": "EU", "country": "DE", "tier": "standard"},
              {"id": "fra1", "region": "EUR", "country": "XK", "tier": "High_Security", "labels": ["pci", "PCI DSS"]},
              {"id": "Bad_Id", "region": "NA", "country": "US", "tier": "standard", "colour": "blue"},
              {"region": "SA", "country": "BR"}
            ]}
            """;

        var ex = Assert.Throws<TopologyException>(() => TopologyJson.Parse(json));

        var errors = ex.Errors.Select(e => (e.Datacenter, e.Field, e.Value)).ToList();
        Assert.Equal(
            [
                ("Bad_Id", "colour", null),
                ("#3", "id", null),
                ("#3", "tier", null),
                ("fra1", "id", "fra1"),
                ("fra1", "region", "EUR"),
                ("fra1", "country", "XK"),
                ("fra1", "tier", "High_Security"),
                ("fra1", "labels", "PCI DSS"),
                ("Bad_Id", "id", "Bad_Id"),
            ],
            errors);
        Assert.Contains("duplicate id 'fra1'", ex.Errors[3].Message);
        Assert.Contains("unknown region 'EUR'", ex.Errors[4].Message);
        Assert.Contains("unknown country 'XK'", ex.Errors[5].Message);
        Assert.Contains("datacenter 'fra1', field 'labels': invalid label 'PCI DSS'", ex.Message);
    }

    [Fact]
    public void Parse_WhenJsonMalformed_ReportsLine()
    {
        var ex = Assert.Throws<TopologyException>(() => TopologyJson.Parse("{\"datacenters\": [\n  {\"id\": }\n]}"));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("malformed JSON at line 2", error.Message);
    }

    [Fact]
    public void Parse_WhenDatacentersArrayMissing_Fails()
    {
        var ex = Assert.Throws<TopologyException>(() => TopologyJson.Parse("""{"dcs": []}"""));

        Assert.Equal("datacenters", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void Parse_WhenFieldHasWrongType_NamesIt()
    {
        var ex = Assert.Throws<TopologyException>(() => TopologyJson.Parse(
            """{"datacenters": [{"id": "a1", "region": "EU", "country": 49, "tier": "standard", "labels": "pci"}]}"""));

        Assert.Equal([("a1", "country", "49"), ("a1", "labels", "\"pci\"")], ex.Errors.Select(e => (e.Datacenter, e.Field, e.Value)));
    }

    [Fact]
    public void Create_WhenIdIsReservedWord_Rejects()
    {
        var ex = Assert.Throws<TopologyException>(() => DatacenterTopology.Create(
            [new Datacenter { Id = "all", Region = "EU", Country = "DE", Tier = "none" }]));

        Assert.Equal(["id", "tier"], ex.Errors.Select(e => e.Field));
    }
}
