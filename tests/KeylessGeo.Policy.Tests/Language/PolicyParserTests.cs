using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;
using static KeylessGeo.Policy.Tests.Expr;

namespace KeylessGeo.Policy.Tests.Language;

public sealed class PolicyParserTests
{
    public static TheoryData<string, PolicyExpression> ValidExamples => new()
    {
        { "region: EU", Region("EU") },
        { "(region: EU) and (not country: FR)", And(Region("EU"), Not(Country("FR"))) },
        { "tier: high-security and region: NA", And(Tier("high-security"), Region("NA")) },
        { "not region: EU and tier: standard or label: pci", Or(And(Not(Region("EU")), Tier("standard")), Label("pci")) },
        { "dc: fra1 or dc: ams1 and label: pci", Or(Dc("fra1"), And(Dc("ams1"), Label("pci"))) },
        { "region: EU and tier: standard and label: pci", And(And(Region("EU"), Tier("standard")), Label("pci")) },
        { "region: EU and (tier: standard and label: pci)", And(Region("EU"), And(Tier("standard"), Label("pci"))) },
        { "REGION: eu && !Country: fr || DC: FRA1", Or(And(Region("EU"), Not(Country("FR"))), Dc("fra1")) },
        { "not not region:EU", Not(Not(Region("EU"))) },
        { "not (region: EU or region: NA)", Not(Or(Region("EU"), Region("NA"))) },
        { "all", ConstantExpression.All },
        { "NONE", ConstantExpression.None },
        { "all and not none", And(ConstantExpression.All, Not(ConstantExpression.None)) },
        { "# EU only, never France\nregion: EU\n  and not country: FR  # French law\n", And(Region("EU"), Not(Country("FR"))) },
        { "((((region: EU))))", Region("EU") },
    };

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void Parse_WhenValid_BuildsTheExpectedTree(string text, PolicyExpression expected) =>
        Assert.Equal(expected, PolicyParser.Parse(text));

    [Fact]
    public void Parse_RecordsThePositionOfEachAtomValue()
    {
        var tree = (AndExpression)PolicyParser.Parse("region: EU\n  and not country: FR");

        Assert.Equal(new SourcePosition(1, 9), ((AttributeExpression)tree.Left).Position);
        Assert.Equal(new SourcePosition(2, 20), ((AttributeExpression)((NotExpression)tree.Right).Operand).Position);
    }

    [Theory]
    [InlineData("", 1, 1, "empty expression")]
    [InlineData("  \n   # only a comment\n ", 3, 2, "empty expression")]
    [InlineData("(label: pci) and regoin: EU", 1, 18, "unknown attribute 'regoin' — did you mean 'region'?")]
    [InlineData("# EU only\nregion: EU or\n\tregoin: NA", 3, 2, "unknown attribute 'regoin' — did you mean 'region'?")]
    [InlineData("region: EU\n  and (country: FR\n   or tier: high-security", 2, 7, "unclosed parenthesis: this '(' has no matching ')'")]
    [InlineData("region: EU and", 1, 15, "expected an expression after 'and', found end of input")]
    [InlineData("region: EU or or tier: standard", 1, 15, "expected an expression after 'or', found 'or'")]
    [InlineData("not", 1, 4, "expected an expression after 'not', found end of input")]
    [InlineData("region:", 1, 8, "missing value after 'region:', found end of input")]
    [InlineData("region: and country: FR", 1, 9, "missing value after 'region:', found 'and'")]
    [InlineData("(region: )", 1, 10, "missing value after 'region:', found ')'")]
    [InlineData("region EU", 1, 8, "expected ':' after 'region', found 'EU'")]
    [InlineData("region: EU)", 1, 11, "unexpected ')' without a matching '('")]
    [InlineData("region: EU adn country: FR", 1, 12, "unexpected 'adn' — did you mean 'and'?")]
    [InlineData("region: EU country: FR", 1, 12, "unexpected 'country': expected 'and', 'or' or end of input")]
    [InlineData("(region: EU tier: standard)", 1, 13, "unexpected 'tier': expected 'and', 'or' or ')'")]
    [InlineData("()", 1, 2, "empty parentheses: expected an expression")]
    [InlineData("region: EU & tier: standard", 1, 12, "unexpected character '&' — did you mean '&&' or 'and'?")]
    [InlineData("region: \"EU\"", 1, 9, "unexpected character '\"': values are written without quotes, e.g. 'region: EU'")]
    [InlineData("foo: bar", 1, 1, "unknown attribute 'foo': expected one of region, country, tier, dc, label, 'all', 'none', 'not' or '('")]
    [InlineData("nto region: EU", 1, 1, "unknown attribute 'nto' — did you mean 'not'?")]
    [InlineData(": EU", 1, 1, "unexpected ':' — expected an attribute name before it, e.g. 'region: EU'")]
    [InlineData("and region: EU", 1, 1, "unexpected 'and': expected an expression")]
    [InlineData("region: EU $", 1, 12, "unexpected character '$'")]
    [InlineData("region = EU", 1, 8, "unexpected character '=' — attributes are written 'name: value', e.g. 'region: EU'")]
    public void Parse_WhenInvalid_ReportsPositionAndMessage(string text, int line, int column, string message)
    {
        var ex = Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(text));

        Assert.Equal(new ParseError(line, column, message), ex.Error);
        Assert.Equal($"line {line}, column {column}: {message}", ex.Message);
    }

    [Fact]
    public void TryParse_ReturnsTheErrorInsteadOfThrowing()
    {
        Assert.False(PolicyParser.TryParse("(label: pci) and regoin: EU", out var tree, out var error));
        Assert.Null(tree);
        Assert.Equal("line 1, column 18: unknown attribute 'regoin' — did you mean 'region'?", error.ToString());

        Assert.True(PolicyParser.TryParse("region: EU", out tree, out error));
        Assert.Equal(Region("EU"), tree);
        Assert.Null(error);
    }

    [Fact]
    public void Parse_WhenNestedTooDeeply_FailsInsteadOfOverflowing()
    {
        var text = string.Concat(Enumerable.Repeat("not ", 500)) + "region: EU";

        var ex = Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(text));

        Assert.Contains("nested more than", ex.Error.Message);
    }

    [Fact]
    public void Parse_WhenTooManyAtoms_FailsAtTheFirstAtomOverTheLimit()
    {
        var atLimit = string.Join(" or ", Enumerable.Repeat("region: EU", PolicyParser.MaxAtoms));

        Assert.NotNull(PolicyParser.Parse(atLimit));
        var ex = Assert.Throws<PolicyParseException>(() => PolicyParser.Parse(atLimit + " or all"));
        Assert.Equal(new ParseError(1, (PolicyParser.MaxAtoms * 14) + 1, $"policy has more than {PolicyParser.MaxAtoms} atoms"), ex.Error);
    }
}
