using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;
using static KeylessGeo.Policy.Tests.Expr;

namespace KeylessGeo.Policy.Tests.Language;

public sealed class PolicyJsonTests
{
    [Fact]
    public void Parse_TheDocumentedExample_MatchesTheTextForm()
    {
        const string json = """{"and":[{"region":"EU"},{"not":{"country":"FR"}}]}""";

        var tree = PolicyJson.Parse(json);

        Assert.Equal(PolicyParser.Parse("(region: EU) and (not country: FR)"), tree);
        Assert.Equal(json, PolicyJson.Serialize(tree));
    }

    [Theory]
    [InlineData("""{"or":[{"region":"EU"},{"tier":"standard"},{"label":"pci"}]}""", "region: EU or tier: standard or label: pci")]
    [InlineData("""{"or":[{"region":"EU"},{"or":[{"tier":"standard"},{"label":"pci"}]}]}""", "region: EU or (tier: standard or label: pci)")]
    [InlineData("""{"and":[{"or":[{"dc":"fra1"},{"dc":"ams1"}]},"all",{"not":"none"}]}""", "(dc: fra1 or dc: ams1) and all and not none")]
    [InlineData("""{"not":{"not":{"region":"APAC"}}}""", "not not region: APAC")]
    [InlineData("\"none\"", "none")]
    public void JsonAndText_DescribeTheSameTree(string json, string text)
    {
        var fromJson = PolicyJson.Parse(json);
        var fromText = PolicyParser.Parse(text);

        Assert.Equal(fromText, fromJson);
        Assert.Equal(json, PolicyJson.Serialize(fromText));
    }

    [Fact]
    public void Parse_NormalizesCaseAndAcceptsSingleOperandsWhitespaceAndComments()
    {
        var tree = PolicyJson.Parse("""
            // EU only
            { "and": [ { "region": "eu" } ] }
            """);

        Assert.Equal(Region("EU"), tree);
    }

    [Fact]
    public void Serialize_Indented_ParsesBack()
    {
        var tree = Or(And(Region("EU"), Not(Country("FR"))), Dc("nrt1"));

        var json = PolicyJson.Serialize(tree, indented: true);

        Assert.Contains('\n', json);
        Assert.Equal(tree, PolicyJson.Parse(json));
    }

    [Fact]
    public void Parse_KeepsAtomPositionsInTheJsonText()
    {
        var tree = (NotExpression)PolicyJson.Parse("{\n  \"not\": {\"country\": \"FR\"}\n}");

        Assert.Equal(new SourcePosition(2, 22), ((AttributeExpression)tree.Operand).Position);
    }

    [Theory]
    [InlineData("""{"regoin":"EU"}""", 1, 2, "unknown key \"regoin\" — did you mean \"region\"?")]
    [InlineData("""{"xyz":"EU"}""", 1, 2, "unknown key \"xyz\": expected \"and\", \"or\", \"not\" or one of region, country, tier, dc, label")]
    [InlineData("""{"and":[]}""", 1, 2, "\"and\" needs at least one operand")]
    [InlineData("""{"or":{"region":"EU"}}""", 1, 7, "\"or\" takes an array of expressions, not an object")]
    [InlineData("""{"region":"EU","country":"FR"}""", 1, 16, "an expression object has exactly one key; found \"country\" after \"region\"")]
    [InlineData("""{"region":5}""", 1, 11, "the value of \"region\" must be a string, not a number")]
    [InlineData("""{"region":"E U"}""", 1, 11, "invalid value \"E U\" for \"region\": expected a word of letters, digits, '-' or '_' that is not a reserved word")]
    [InlineData("""{"label":"all"}""", 1, 10, "invalid value \"all\" for \"label\": expected a word of letters, digits, '-' or '_' that is not a reserved word")]
    [InlineData("""{}""", 1, 1, "empty object: expected exactly one key such as \"and\", \"or\", \"not\" or \"region\"")]
    [InlineData("""["region"]""", 1, 1, "unexpected an array: expected an object such as {\"region\":\"EU\"}, \"all\" or \"none\"")]
    [InlineData("\"everything\"", 1, 1, "unexpected string \"everything\": expected \"all\", \"none\" or an object such as {\"region\":\"EU\"}")]
    [InlineData("{\n  \"and\": [\n    {\"tier\": \"gold plated\"}\n  ]\n}", 3, 14, "invalid value \"gold plated\" for \"tier\": expected a word of letters, digits, '-' or '_' that is not a reserved word")]
    public void Parse_WhenInvalid_ReportsPositionAndMessage(string json, int line, int column, string message)
    {
        var ex = Assert.Throws<PolicyParseException>(() => PolicyJson.Parse(json));

        Assert.Equal(new ParseError(line, column, message), ex.Error);
    }

    [Fact]
    public void Parse_WhenMalformed_ReportsMalformedJsonWithLine()
    {
        var ex = Assert.Throws<PolicyParseException>(() => PolicyJson.Parse("{\"and\": [\n  {\"region\": }"));

        Assert.Equal("malformed JSON", ex.Error.Message);
        Assert.Equal(2, ex.Error.Line);
    }

    [Fact]
    public void Parse_WhenTooManyAtoms_Fails()
    {
        var operands = string.Join(",", Enumerable.Repeat("{\"dc\":\"fra1\"}", PolicyParser.MaxAtoms + 1));

        var ex = Assert.Throws<PolicyParseException>(() => PolicyJson.Parse($"{{\"or\":[{operands}]}}"));

        Assert.Equal($"policy has more than {PolicyParser.MaxAtoms} atoms", ex.Error.Message);
    }
}
