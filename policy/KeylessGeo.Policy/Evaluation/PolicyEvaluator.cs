using System.Collections.Immutable;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Evaluation;

/// <summary>
/// Decides, for every datacenter of a topology, whether a policy permits it, and explains why.
/// </summary>
/// <remarks>
/// The explanation names the deciding literals: for a true <c>and</c> or a false <c>or</c>,
/// those of every operand; for a false <c>and</c> or a true <c>or</c>, those of the first
/// operand (left to right) that decides it. A datacenter's decision depends only on that
/// datacenter, so adding datacenters never changes an existing decision.
/// </remarks>
public static class PolicyEvaluator
{
    /// <summary>Evaluates <paramref name="policy"/> against every datacenter of <paramref name="topology"/>.</summary>
    public static PolicyEvaluation Evaluate(PolicyExpression policy, DatacenterTopology topology)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(topology);
        var decisions = ImmutableArray.CreateBuilder<DatacenterDecision>(topology.Datacenters.Length);
        foreach (var dc in topology.Datacenters)
        {
            var permitted = Eval(policy, dc, out var reasons);
            var distinct = reasons.Distinct().ToImmutableArray();
            decisions.Add(new DatacenterDecision(dc, permitted, distinct, Explain(dc, permitted, string.Join("; ", distinct))));
        }

        return new PolicyEvaluation(decisions.MoveToImmutable());
    }

    /// <summary>
    /// Evaluates allow/deny <paramref name="rules"/>. Decisions equal those for
    /// <see cref="PolicyRules.ToExpression"/>; explanations name the deciding rule, e.g.
    /// <c>dc fra1 denied: deny rule 'country: DE' matched (country DE matched 'country: DE')</c>.
    /// </summary>
    public static PolicyEvaluation Evaluate(PolicyRules rules, DatacenterTopology topology)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(topology);
        var decisions = ImmutableArray.CreateBuilder<DatacenterDecision>(topology.Datacenters.Length);
        foreach (var dc in topology.Datacenters)
        {
            decisions.Add(DecideRules(rules, dc));
        }

        return new PolicyEvaluation(decisions.MoveToImmutable());
    }

    /// <summary>True if <paramref name="atom"/> holds for <paramref name="dc"/>.</summary>
    public static bool Matches(AttributeExpression atom, Datacenter dc)
    {
        ArgumentNullException.ThrowIfNull(atom);
        ArgumentNullException.ThrowIfNull(dc);
        return atom.Attribute switch
        {
            PolicyAttribute.Label => dc.Labels.Contains(atom.Value),
            _ => string.Equals(ActualValue(atom.Attribute, dc), atom.Value, StringComparison.Ordinal),
        };
    }

    private static DatacenterDecision DecideRules(PolicyRules rules, Datacenter dc)
    {
        var allowReasons = new List<DecisionReason>();
        string? allowText = null;
        foreach (var rule in rules.Allow)
        {
            var matched = Eval(rule, dc, out var reasons);
            if (matched)
            {
                allowReasons = reasons;
                allowText = $"allow rule '{PolicyPrinter.Print(rule)}' matched ({string.Join("; ", reasons.Distinct())})";
                break;
            }

            allowReasons.AddRange(reasons);
        }

        if (allowText is null)
        {
            var why = rules.Allow.IsEmpty ? "there are no allow rules" : $"no allow rule matched ({string.Join("; ", allowReasons.Distinct())})";
            return new DatacenterDecision(dc, false, [.. allowReasons.Distinct()], Explain(dc, false, why));
        }

        foreach (var rule in rules.Deny)
        {
            if (Eval(rule, dc, out var reasons))
            {
                var why = $"deny rule '{PolicyPrinter.Print(rule)}' matched ({string.Join("; ", reasons.Distinct())})";
                return new DatacenterDecision(dc, false, [.. reasons.Distinct()], Explain(dc, false, why));
            }
        }

        var text = rules.Deny.IsEmpty ? allowText : allowText + "; no deny rule matched";
        return new DatacenterDecision(dc, true, [.. allowReasons.Distinct()], Explain(dc, true, text));
    }

    private static string Explain(Datacenter dc, bool permitted, string why) =>
        $"dc {dc.Id} {(permitted ? "permitted" : "denied")}: {why}";

    private static bool Eval(PolicyExpression expression, Datacenter dc, out List<DecisionReason> reasons)
    {
        switch (expression)
        {
            case AttributeExpression atom:
                return Literal(atom, atom, Matches(atom, dc), dc, out reasons);

            case NotExpression { Operand: AttributeExpression atom } not:
                // A negated atom is one literal, so the explanation can quote 'not country: DE'.
                return Literal(not, atom, !Matches(atom, dc), dc, out reasons);

            case NotExpression not:
                return !Eval(not.Operand, dc, out reasons);

            case ConstantExpression constant:
                reasons = [new DecisionReason(constant, null, null, constant.Value)];
                return constant.Value;

            case AndExpression and:
                return Combine(Eval(and.Left, dc, out var left), left, and.Right, dc, decidesOn: false, out reasons);

            case OrExpression or:
                return Combine(Eval(or.Left, dc, out var first), first, or.Right, dc, decidesOn: true, out reasons);

            default:
                throw new ArgumentException($"unknown expression node {expression.GetType().Name}", nameof(expression));
        }
    }

    private static bool Literal(PolicyExpression literal, AttributeExpression atom, bool satisfied, Datacenter dc, out List<DecisionReason> reasons)
    {
        reasons = [new DecisionReason(literal, atom, ActualValue(atom.Attribute, dc), satisfied)];
        return satisfied;
    }

    // For 'and' the deciding value is false, for 'or' true: the first operand with that value
    // decides alone; otherwise both operands together justify the result.
    private static bool Combine(bool leftValue, List<DecisionReason> left, PolicyExpression right, Datacenter dc, bool decidesOn, out List<DecisionReason> reasons)
    {
        if (leftValue == decidesOn)
        {
            reasons = left;
            return leftValue;
        }

        var rightValue = Eval(right, dc, out var rightReasons);
        if (rightValue == decidesOn)
        {
            reasons = rightReasons;
            return rightValue;
        }

        left.AddRange(rightReasons);
        reasons = left;
        return rightValue;
    }

    private static string ActualValue(PolicyAttribute attribute, Datacenter dc) => attribute switch
    {
        PolicyAttribute.Region => dc.Region,
        PolicyAttribute.Country => dc.Country,
        PolicyAttribute.Tier => dc.Tier,
        PolicyAttribute.Datacenter => dc.Id,
        PolicyAttribute.Label => $"[{string.Join(", ", dc.Labels)}]",
        _ => throw new ArgumentOutOfRangeException(nameof(attribute), attribute, "unknown attribute"),
    };
}
