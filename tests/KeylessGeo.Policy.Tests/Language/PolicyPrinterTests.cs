using KeylessGeo.Policy.Language;
using static KeylessGeo.Policy.Tests.Expr;

namespace KeylessGeo.Policy.Tests.Language;

public sealed class PolicyPrinterTests
{
    [Theory]
    [InlineData("region: EU", "region: EU")]
    [InlineData("(region: EU) and (not country: FR)", "region: EU and not country: FR")]
    [InlineData("REGION: eu && !Country: fr || DC: FRA1", "region: EU and not country: FR or dc: fra1")]
    [InlineData("region: EU and (tier: standard or label: pci)", "region: EU and (tier: standard or label: pci)")]
    [InlineData("(region: EU or tier: standard) and label: pci", "(region: EU or tier: standard) and label: pci")]
    [InlineData("region: EU or (tier: standard or label: pci)", "region: EU or (tier: standard or label: pci)")]
    [InlineData("(region: EU or tier: standard) or label: pci", "region: EU or tier: standard or label: pci")]
    [InlineData("region: EU and (tier: standard and label: pci)", "region: EU and (tier: standard and label: pci)")]
    [InlineData("not (region: EU or region: NA)", "not (region: EU or region: NA)")]
    [InlineData("not (region: EU and tier: standard)", "not (region: EU and tier: standard)")]
    [InlineData("! ! region: EU", "not not region: EU")]
    [InlineData("All or nOne", "all or none")]
    public void Print_GivesCanonicalTextThatParsesBackToTheSameTree(string source, string canonical)
    {
        var tree = PolicyParser.Parse(source);

        var printed = PolicyPrinter.Print(tree);

        Assert.Equal(canonical, printed);
        Assert.Equal(tree, PolicyParser.Parse(printed));
        Assert.Equal(canonical, tree.ToString());
    }

    [Fact]
    public void Print_OfRightNestedAnd_KeepsTheStructure()
    {
        var tree = And(Region("EU"), And(Not(Or(Tier("standard"), Label("pci"))), Dc("fra1")));

        Assert.Equal("region: EU and (not (tier: standard or label: pci) and dc: fra1)", PolicyPrinter.Print(tree));
        Assert.Equal(tree, PolicyParser.Parse(PolicyPrinter.Print(tree)));
    }
}
