using FsCheck;
using FsCheck.Fluent;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Tests.Properties;

/// <summary>Text and JSON forms of random trees parse back to equal trees that evaluate identically.</summary>
public sealed class RoundTripTests
{
    private static readonly Gen<(DatacenterTopology Topology, PolicyExpression Tree)> Cases =
        from topology in Generators.Topology
        from tree in Generators.Expressions
        select (topology, tree);

    private static bool SameDecisions(DatacenterTopology topology, PolicyExpression left, PolicyExpression right) =>
        PolicyEvaluator.Evaluate(left, topology).Decisions.Select(d => d.Explanation)
            .SequenceEqual(PolicyEvaluator.Evaluate(right, topology).Decisions.Select(d => d.Explanation));

    [Fact]
    public void TextForm_ParsesBackToAnEqualTree() =>
        PropertyRunner.Check(Cases, x =>
        {
            var text = PolicyPrinter.Print(x.Tree);
            var parsed = PolicyParser.Parse(text);
            return parsed.Equals(x.Tree)
                && PolicyPrinter.Print(parsed) == text
                && SameDecisions(x.Topology, parsed, x.Tree);
        });

    [Fact]
    public void JsonForm_ParsesBackToAnEqualTree() =>
        PropertyRunner.Check(Cases, x =>
        {
            var json = PolicyJson.Serialize(x.Tree);
            var parsed = PolicyJson.Parse(json);
            return parsed.Equals(x.Tree)
                && PolicyJson.Serialize(parsed) == json
                && SameDecisions(x.Topology, parsed, x.Tree);
        });

    [Fact]
    public void TextAndJsonForms_AgreeWithEachOther() =>
        PropertyRunner.Check(Cases, x =>
            PolicyParser.Parse(PolicyPrinter.Print(x.Tree)).Equals(PolicyJson.Parse(PolicyJson.Serialize(x.Tree))));

    [Fact]
    public void Parser_OnArbitraryText_EitherParsesOrReportsAPositionedError()
    {
        var alphabet = "region: EU country FR tier dc label and or not all none ( ) ! && || # \n \" $ & x-1_"
            .ToCharArray();
        var texts = Gen.ArrayOf(Gen.Elements(alphabet)).Select(chars => new string(chars));
        PropertyRunner.Check(texts, text =>
        {
            if (PolicyParser.TryParse(text, out var tree, out var error))
            {
                return PolicyParser.Parse(PolicyPrinter.Print(tree)).Equals(tree);
            }

            var lines = text.Split('\n');
            return error.Line >= 1 && error.Line <= lines.Length
                && error.Column >= 1 && error.Column <= lines[error.Line - 1].Length + 1
                && error.Message.Length > 0;
        });
    }
}
