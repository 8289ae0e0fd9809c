using FsCheck;
using FsCheck.Fluent;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Tests.Properties;

/// <summary>The permitted set behaves like set algebra: NOT/AND/OR laws hold for random trees and topologies.</summary>
public sealed class BooleanLawTests
{
    private static readonly Gen<(DatacenterTopology Topology, PolicyExpression A, PolicyExpression B, PolicyExpression C)> Cases =
        from topology in Generators.Topology
        from a in Generators.Expressions
        from b in Generators.Expressions
        from c in Generators.Expressions
        select (topology, a, b, c);

    private static bool Same(DatacenterTopology topology, PolicyExpression left, PolicyExpression right) =>
        PolicyEvaluator.Evaluate(left, topology).PermittedIds.SetEquals(PolicyEvaluator.Evaluate(right, topology).PermittedIds);

    private static PolicyExpression Not(PolicyExpression e) => new NotExpression(e);

    private static PolicyExpression And(PolicyExpression l, PolicyExpression r) => new AndExpression(l, r);

    private static PolicyExpression Or(PolicyExpression l, PolicyExpression r) => new OrExpression(l, r);

    [Fact]
    public void DoubleNegation_IsIdentity() =>
        PropertyRunner.Check(Cases, x => Same(x.Topology, Not(Not(x.A)), x.A));

    [Fact]
    public void DeMorgan_Holds() =>
        PropertyRunner.Check(Cases, x =>
            Same(x.Topology, Not(And(x.A, x.B)), Or(Not(x.A), Not(x.B)))
            && Same(x.Topology, Not(Or(x.A, x.B)), And(Not(x.A), Not(x.B))));

    [Fact]
    public void AndAndOr_AreCommutative() =>
        PropertyRunner.Check(Cases, x =>
            Same(x.Topology, And(x.A, x.B), And(x.B, x.A))
            && Same(x.Topology, Or(x.A, x.B), Or(x.B, x.A)));

    [Fact]
    public void AndAndOr_AreAssociative() =>
        PropertyRunner.Check(Cases, x =>
            Same(x.Topology, And(And(x.A, x.B), x.C), And(x.A, And(x.B, x.C)))
            && Same(x.Topology, Or(Or(x.A, x.B), x.C), Or(x.A, Or(x.B, x.C))));

    [Fact]
    public void AndAndOr_DistributeOverEachOther() =>
        PropertyRunner.Check(Cases, x =>
            Same(x.Topology, And(x.A, Or(x.B, x.C)), Or(And(x.A, x.B), And(x.A, x.C)))
            && Same(x.Topology, Or(x.A, And(x.B, x.C)), And(Or(x.A, x.B), Or(x.A, x.C))));

    [Fact]
    public void AndAndOr_AreIdempotent() =>
        PropertyRunner.Check(Cases, x =>
            Same(x.Topology, And(x.A, x.A), x.A) && Same(x.Topology, Or(x.A, x.A), x.A));

    [Fact]
    public void PermittedSets_AreIntersectionUnionAndComplement() =>
        PropertyRunner.Check(Cases, x =>
        {
            var all = x.Topology.Datacenters.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            var a = PolicyEvaluator.Evaluate(x.A, x.Topology).PermittedIds;
            var b = PolicyEvaluator.Evaluate(x.B, x.Topology).PermittedIds;
            return PolicyEvaluator.Evaluate(And(x.A, x.B), x.Topology).PermittedIds.SetEquals(a.Intersect(b))
                && PolicyEvaluator.Evaluate(Or(x.A, x.B), x.Topology).PermittedIds.SetEquals(a.Union(b))
                && PolicyEvaluator.Evaluate(Not(x.A), x.Topology).PermittedIds.SetEquals(all.Except(a));
        });

    [Fact]
    public void Constants_AreIdentityAndAbsorbingElements() =>
        PropertyRunner.Check(Cases, x =>
            Same(x.Topology, And(x.A, ConstantExpression.All), x.A)
            && Same(x.Topology, Or(x.A, ConstantExpression.None), x.A)
            && Same(x.Topology, And(x.A, ConstantExpression.None), ConstantExpression.None)
            && Same(x.Topology, Or(x.A, Not(x.A)), ConstantExpression.All));

    [Fact]
    public void Runner_WhenALawIsFalse_FailsTheTest() =>
        // Guards the harness itself: 'a and b' is not 'a' in general, so a counterexample must be found.
        Assert.ThrowsAny<Exception>(() => PropertyRunner.Check(Cases, x => Same(x.Topology, And(x.A, x.B), x.A)));
}
