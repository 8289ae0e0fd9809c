using FsCheck;
using FsCheck.Fluent;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Tests.Properties;

public sealed class EvaluationPropertyTests
{
    [Fact]
    public void Evaluation_IsMonotoneInTheTopology()
    {
        // Adding datacenters (anywhere in the order) never changes an existing datacenter's decision.
        var cases =
            from existing in Generators.Datacenters("dc")
            from added in Generators.Datacenters("x")
            from order in Gen.Shuffle(existing.Concat(added))
            from tree in Generators.Expressions
            select (Small: DatacenterTopology.Create(existing), Large: DatacenterTopology.Create(order), Tree: tree);

        PropertyRunner.Check(cases, x =>
        {
            var before = PolicyEvaluator.Evaluate(x.Tree, x.Small);
            var after = PolicyEvaluator.Evaluate(x.Tree, x.Large);
            return before.PermittedIds.IsSubsetOf(after.PermittedIds)
                && before.Decisions.All(d => d.Equals(after[d.Datacenter.Id]));
        });
    }

    [Fact]
    public void Explanations_StateTrueFacts()
    {
        // Every deciding literal, evaluated on its own, has the outcome the explanation claims.
        var cases = from topology in Generators.Topology from tree in Generators.Expressions select (topology, tree);

        PropertyRunner.Check(cases, x => PolicyEvaluator.Evaluate(x.tree, x.topology).Decisions.All(decision =>
            decision.Reasons.Length > 0
            && decision.Explanation.StartsWith($"dc {decision.Datacenter.Id} {(decision.Permitted ? "permitted" : "denied")}: ", StringComparison.Ordinal)
            && decision.Reasons.All(reason =>
                PolicyEvaluator.Evaluate(reason.Literal, x.topology)[decision.Datacenter.Id].Permitted == reason.Satisfied
                && decision.Explanation.Contains($"'{reason.Literal}'", StringComparison.Ordinal))));
    }

    [Fact]
    public void Rules_DecideLikeTheirExpression()
    {
        var cases =
            from topology in Generators.Topology
            from allowCount in Gen.Choose(0, 3)
            from denyCount in Gen.Choose(0, 2)
            from allow in Gen.ListOf(Generators.Expression(2), allowCount)
            from deny in Gen.ListOf(Generators.Expression(2), denyCount)
            select (Topology: topology, Rules: new PolicyRules { Allow = [.. allow], Deny = [.. deny] });

        PropertyRunner.Check(cases, x =>
            PolicyEvaluator.Evaluate(x.Rules, x.Topology).PermittedIds
                .SetEquals(PolicyEvaluator.Evaluate(x.Rules.ToExpression(), x.Topology).PermittedIds));
    }
}
