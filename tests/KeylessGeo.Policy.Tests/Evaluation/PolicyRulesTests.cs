using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.Policy.Tests.Evaluation;

public sealed class PolicyRulesTests
{
    private static readonly KeylessGeo.Policy.Topology.DatacenterTopology Topology = SampleTopology.Load();

    private static readonly PolicyRules Rules = new()
    {
        Allow = [PolicyParser.Parse("region: EU"), PolicyParser.Parse("tier: high-security")],
        Deny = [PolicyParser.Parse("country: DE"), PolicyParser.Parse("label: fips")],
    };

    [Fact]
    public void Evaluate_PermitsWhatMatchesAnAllowRuleAndNoDenyRule()
    {
        var result = PolicyEvaluator.Evaluate(Rules, Topology);

        Assert.Equal(["ams1", "cdg1", "nrt1"], result.PermittedIds);
        Assert.Equal("dc fra1 denied: deny rule 'country: DE' matched (country DE matched 'country: DE')", result["fra1"].Explanation);
        Assert.Equal("dc iad1 denied: deny rule 'label: fips' matched (label fips matched 'label: fips')", result["iad1"].Explanation);
        Assert.Equal("dc ams1 permitted: allow rule 'region: EU' matched (region EU matched 'region: EU'); no deny rule matched", result["ams1"].Explanation);
        Assert.Equal(
            "dc yyz1 denied: no allow rule matched (region NA did not match 'region: EU'; tier standard did not match 'tier: high-security')",
            result["yyz1"].Explanation);
    }

    [Fact]
    public void ToExpression_IsAllowAndNotDeny_WithTheSameDecisions()
    {
        var expression = Rules.ToExpression();

        Assert.Equal("(region: EU or tier: high-security) and not (country: DE or label: fips)", expression.ToString());
        Assert.Equal(
            PolicyEvaluator.Evaluate(Rules, Topology).PermittedIds,
            PolicyEvaluator.Evaluate(expression, Topology).PermittedIds);
    }

    [Fact]
    public void NoAllowRules_PermitNothing()
    {
        var rules = new PolicyRules { Deny = [PolicyParser.Parse("country: DE")] };

        Assert.Equal("none and not country: DE", rules.ToExpression().ToString());
        var result = PolicyEvaluator.Evaluate(rules, Topology);
        Assert.Empty(result.Permitted);
        Assert.Equal("dc ams1 denied: there are no allow rules", result["ams1"].Explanation);
    }

    [Fact]
    public void NoDenyRules_AreJustTheAllowRules()
    {
        var rules = new PolicyRules { Allow = [PolicyParser.Parse("dc: syd1")] };

        Assert.Equal("dc: syd1", rules.ToExpression().ToString());
        Assert.Equal("dc syd1 permitted: allow rule 'dc: syd1' matched (dc syd1 matched 'dc: syd1')", PolicyEvaluator.Evaluate(rules, Topology)["syd1"].Explanation);
    }
}
