using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.Policy.Tests.Evaluation;

public sealed class PolicyEvaluatorTests
{
    private static readonly KeylessGeo.Policy.Topology.DatacenterTopology Topology = SampleTopology.Load();

    private static PolicyEvaluation Evaluate(string policy) =>
        PolicyEvaluator.Evaluate(PolicyParser.Parse(policy), Topology);

    [Fact]
    public void EuOnly_PermitsTheEuropeanDatacentersAndSaysWhy()
    {
        var result = Evaluate("region: EU");

        Assert.Equal(["ams1", "cdg1", "fra1"], result.PermittedIds);
        Assert.Equal(["fra1", "ams1", "cdg1"], result.Permitted.Select(d => d.Id));
        Assert.Equal("dc ams1 permitted: region EU matched 'region: EU'", result["ams1"].Explanation);
        Assert.Equal("dc iad1 denied: region NA did not match 'region: EU'", result["iad1"].Explanation);
        Assert.Equal(Topology.Datacenters.Select(d => d.Id), result.Decisions.Select(d => d.Datacenter.Id));
    }

    [Fact]
    public void EuButNotFrance_DeniesFranceNamingTheNegatedAtom()
    {
        var result = Evaluate("(region: EU) and (not country: FR)");

        Assert.Equal(["ams1", "fra1"], result.PermittedIds);
        Assert.Equal("dc cdg1 denied: country FR is excluded by 'not country: FR'", result["cdg1"].Explanation);
        Assert.Equal("dc fra1 permitted: region EU matched 'region: EU'; country DE is not excluded by 'not country: FR'", result["fra1"].Explanation);
        Assert.Equal("dc iad1 denied: region NA did not match 'region: EU'", result["iad1"].Explanation);
        Assert.False(result.IsPermitted("cdg1"));
        Assert.False(result.IsPermitted("nowhere"));
    }

    [Fact]
    public void HighSecurityInNorthAmerica_NeedsBothAtoms()
    {
        var result = Evaluate("tier: high-security and region: NA");

        Assert.Equal(["iad1"], result.PermittedIds);
        Assert.Equal("dc iad1 permitted: tier high-security matched 'tier: high-security'; region NA matched 'region: NA'", result["iad1"].Explanation);
        Assert.Equal("dc fra1 denied: region EU did not match 'region: NA'", result["fra1"].Explanation);
        Assert.Equal("dc yyz1 denied: tier standard did not match 'tier: high-security'", result["yyz1"].Explanation);
    }

    [Fact]
    public void Or_NamesOnlyTheMatchingOperandWhenPermitted_AndEveryOperandWhenDenied()
    {
        var result = Evaluate("dc: nrt1 or label: pci");

        Assert.Equal(["cdg1", "fra1", "iad1", "nrt1"], result.PermittedIds);
        Assert.Equal("dc iad1 permitted: label pci matched 'label: pci'", result["iad1"].Explanation);
        Assert.Equal("dc nrt1 permitted: dc nrt1 matched 'dc: nrt1'", result["nrt1"].Explanation);
        Assert.Equal("dc syd1 denied: dc syd1 did not match 'dc: nrt1'; labels [] did not match 'label: pci'", result["syd1"].Explanation);
    }

    [Fact]
    public void NegatedLabel_ExplainsWithTheLabelSet()
    {
        var result = Evaluate("not label: pci");

        Assert.Equal(["ams1", "gru1", "syd1", "yyz1"], result.PermittedIds);
        Assert.Equal("dc ams1 permitted: labels [edge] is not excluded by 'not label: pci'", result["ams1"].Explanation);
        Assert.Equal("dc fra1 denied: label pci is excluded by 'not label: pci'", result["fra1"].Explanation);
    }

    [Fact]
    public void NotOfAGroup_ExplainsWithTheInnerAtom()
    {
        var result = Evaluate("not (region: EU or region: NA)");

        Assert.Equal(["gru1", "nrt1", "syd1"], result.PermittedIds);
        Assert.Equal("dc fra1 denied: region EU matched 'region: EU'", result["fra1"].Explanation);
        Assert.Equal("dc gru1 permitted: region SA did not match 'region: EU'; region SA did not match 'region: NA'", result["gru1"].Explanation);
        var reason = Assert.Single(result["fra1"].Reasons);
        Assert.Equal("region: EU", reason.Literal.ToString());
        Assert.True(reason.Satisfied);
    }

    [Fact]
    public void Constants_PermitEverythingOrNothing()
    {
        Assert.Equal(8, Evaluate("all").Permitted.Length);
        Assert.Equal("dc fra1 permitted: 'all' permits every datacenter", Evaluate("all")["fra1"].Explanation);
        Assert.Empty(Evaluate("none").Permitted);
        Assert.Equal("dc fra1 denied: 'none' permits no datacenter", Evaluate("none")["fra1"].Explanation);
    }

    [Fact]
    public void RepeatedAtom_IsExplainedOnce()
    {
        var result = Evaluate("region: EU and region: EU");

        Assert.Equal("dc fra1 permitted: region EU matched 'region: EU'", result["fra1"].Explanation);
    }

    [Fact]
    public void Evaluate_OnEmptyTopology_PermitsNothing()
    {
        var result = PolicyEvaluator.Evaluate(PolicyParser.Parse("all"), KeylessGeo.Policy.Topology.DatacenterTopology.Empty);

        Assert.Empty(result.Decisions);
    }
}
