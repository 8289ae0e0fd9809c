using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Validation;

namespace KeylessGeo.Policy.Tests.Validation;

public sealed class PolicyValidatorTests
{
    private static readonly KeylessGeo.Policy.Topology.DatacenterTopology Topology = SampleTopology.Load();

    private static PolicyValidationResult Validate(string policy, PolicyValidationOptions? options = null) =>
        PolicyValidator.Validate(PolicyParser.Parse(policy), Topology, options);

    [Fact]
    public void Validate_WhenPolicyIsSound_HasNoIssues()
    {
        var result = Validate("region: EU and not country: FR");

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal(["ams1", "fra1"], result.Evaluation.PermittedIds);
    }

    [Fact]
    public void Validate_WhenNothingIsPermitted_RejectsUnlessForced()
    {
        var rejected = Validate("region: EU and region: NA");
        var forced = Validate("region: EU and region: NA", new PolicyValidationOptions { Force = true });

        var error = Assert.Single(rejected.Errors);
        Assert.Equal(PolicyIssueCodes.NoDatacenter, error.Code);
        Assert.Equal("policy permits no datacenter (set Force to accept it)", error.ToString());
        Assert.False(rejected.IsValid);

        Assert.True(forced.IsValid);
        var warning = Assert.Single(forced.Warnings);
        Assert.Equal(PolicyIssueSeverity.Warning, warning.Severity);
        Assert.Equal("policy permits no datacenter (accepted because forced)", warning.Message);
    }

    [Fact]
    public void Validate_WhenBelowMinimum_RejectsUnlessForced()
    {
        var options = new PolicyValidationOptions { MinimumDatacenters = 2 };

        var rejected = Validate("dc: fra1", options);
        var forced = Validate("dc: fra1", options with { Force = true });
        var enough = Validate("dc: fra1 or dc: ams1", options);

        Assert.Equal(
            "policy permits 1 datacenter(s) (fra1), fewer than the minimum of 2 (set Force to accept it)",
            Assert.Single(rejected.Errors).Message);
        Assert.Equal(PolicyIssueCodes.BelowMinimum, Assert.Single(forced.Warnings).Code);
        Assert.True(forced.IsValid);
        Assert.True(enough.IsValid);
    }

    [Fact]
    public void Validate_ReportsEveryUnknownCodeWithItsPosition_AndUnusedValuesAsWarnings()
    {
        var result = Validate("region: EUR or country: UK or dc: fra2 or tier: gold or label: gpu or region: EU");

        Assert.Equal(
            [
                "line 1, column 9: unknown region 'EUR' in 'region: EUR' — did you mean 'EU'? (known regions: AF, APAC, EU, ME, NA, OC, SA)",
                "line 1, column 25: unknown country 'UK' in 'country: UK': not an assigned ISO 3166-1 alpha-2 code — did you mean 'GB'?",
                "line 1, column 35: unknown datacenter 'fra2' in 'dc: fra2': not in the topology — did you mean 'fra1'?",
            ],
            result.Errors.Select(e => e.ToString()));
        Assert.Equal(
            [PolicyIssueCodes.UnknownRegion, PolicyIssueCodes.UnknownCountry, PolicyIssueCodes.UnknownDatacenter],
            result.Errors.Select(e => e.Code));
        Assert.Equal(
            [
                "line 1, column 49: no datacenter has tier 'gold' ('tier: gold' matches nothing); tiers in use: high-security, standard",
                "line 1, column 64: no datacenter has label 'gpu' ('label: gpu' matches nothing); labels in use: edge, fips, pci",
            ],
            result.Warnings.Select(w => w.ToString()));
        Assert.All(result.Warnings, w => Assert.Equal(PolicyIssueSeverity.Warning, w.Severity));
    }

    [Fact]
    public void Validate_OnMultiLinePolicy_PointsAtTheRightLine()
    {
        var result = Validate("region: EU\n  and not country: XX\n  or dc: lax9");

        Assert.Equal([(2, 20), (3, 10)], result.Errors.Select(e => (e.Position!.Value.Line, e.Position.Value.Column)));
    }

    [Fact]
    public void Validate_WhenTierIsNotAnIdentifier_IsAnError()
    {
        var result = Validate("tier: 9lives or region: EU");

        var error = Assert.Single(result.Errors);
        Assert.Equal(PolicyIssueCodes.InvalidIdentifier, error.Code);
        Assert.Equal(new SourcePosition(1, 7), error.Position);
    }

    [Fact]
    public void Validate_PolicyFromJson_UsesJsonPositions()
    {
        var result = PolicyValidator.Validate(PolicyJson.Parse("""{"or":[{"region":"EU"},{"country":"ZZ"}]}"""), Topology);

        Assert.Equal("line 1, column 35: unknown country 'ZZ' in 'country: ZZ': not an assigned ISO 3166-1 alpha-2 code", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Validate_TreeBuiltInCode_ReportsWithoutPosition()
    {
        var result = PolicyValidator.Validate(new AttributeExpression(PolicyAttribute.Region, "XX"), Topology);

        Assert.Equal(2, result.Errors.Length);
        Assert.Null(result.Errors[0].Position);
        Assert.StartsWith("unknown region 'XX' in 'region: XX' (known regions:", result.Errors[0].ToString());
        Assert.Equal(PolicyIssueCodes.NoDatacenter, result.Errors[1].Code);
    }

    [Fact]
    public void Validate_Rules_ValidatesTheEquivalentExpression()
    {
        var rules = new PolicyRules { Allow = [PolicyParser.Parse("region: EU")], Deny = [PolicyParser.Parse("region: EU")] };

        Assert.Equal(PolicyIssueCodes.NoDatacenter, Assert.Single(PolicyValidator.Validate(rules, Topology).Errors).Code);
    }

    [Fact]
    public void Validate_WhenMinimumIsNegative_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Validate("all", new PolicyValidationOptions { MinimumDatacenters = -1 }));
}
