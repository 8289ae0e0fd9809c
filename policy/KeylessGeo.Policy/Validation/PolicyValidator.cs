using System.Collections.Immutable;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Validation;

/// <summary>
/// Checks a policy against a topology and collects every error and warning at once.
/// </summary>
/// <remarks>
/// Errors: unknown region or country codes, <c>dc:</c> naming a datacenter not in the
/// topology, malformed <c>tier:</c>/<c>label:</c> values, and a permitted set that is empty or
/// smaller than <see cref="PolicyValidationOptions.MinimumDatacenters"/> (a warning instead when
/// <see cref="PolicyValidationOptions.Force"/> is set). Warnings: <c>tier:</c>/<c>label:</c>
/// values no datacenter has. Atom issues carry the atom's source position when it was parsed.
/// </remarks>
public static class PolicyValidator
{
    // Common non-ISO spellings worth a precise hint.
    private static readonly Dictionary<string, string> CountryHints = new(StringComparer.Ordinal)
    {
        ["UK"] = "GB",
        ["EL"] = "GR",
    };

    /// <summary>Validates <paramref name="policy"/> against <paramref name="topology"/>.</summary>
    public static PolicyValidationResult Validate(PolicyExpression policy, DatacenterTopology topology, PolicyValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(topology);
        options ??= PolicyValidationOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinimumDatacenters);

        var errors = ImmutableArray.CreateBuilder<PolicyIssue>();
        var warnings = ImmutableArray.CreateBuilder<PolicyIssue>();
        foreach (var atom in Atoms(policy))
        {
            CheckAtom(atom, topology, errors, warnings);
        }

        var evaluation = PolicyEvaluator.Evaluate(policy, topology);
        CheckPermittedSet(evaluation, options, errors, warnings);
        return new PolicyValidationResult
        {
            Errors = errors.ToImmutable(),
            Warnings = warnings.ToImmutable(),
            Evaluation = evaluation,
        };
    }

    /// <summary>Validates allow/deny rules as their equivalent expression.</summary>
    public static PolicyValidationResult Validate(PolicyRules rules, DatacenterTopology topology, PolicyValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return Validate(rules.ToExpression(), topology, options);
    }

    private static void CheckAtom(AttributeExpression atom, DatacenterTopology topology, ImmutableArray<PolicyIssue>.Builder errors, ImmutableArray<PolicyIssue>.Builder warnings)
    {
        var quoted = $"'{PolicyPrinter.Print(atom)}'";
        switch (atom.Attribute)
        {
            case PolicyAttribute.Region when !RegionCodes.IsKnown(atom.Value):
                var region = Suggestions.Closest(atom.Value, RegionCodes.Ordered);
                errors.Add(Error(atom, PolicyIssueCodes.UnknownRegion,
                    $"unknown region '{atom.Value}' in {quoted}"
                    + (region is null ? "" : $" — did you mean '{region}'?")
                    + $" (known regions: {string.Join(", ", RegionCodes.Ordered)})"));
                break;
            case PolicyAttribute.Country when !CountryCodes.IsAssigned(atom.Value):
                errors.Add(Error(atom, PolicyIssueCodes.UnknownCountry,
                    $"unknown country '{atom.Value}' in {quoted}: not an assigned ISO 3166-1 alpha-2 code"
                    + (CountryHints.TryGetValue(atom.Value, out var hint) ? $" — did you mean '{hint}'?" : "")));
                break;
            case PolicyAttribute.Datacenter when !topology.Contains(atom.Value):
                var dc = Suggestions.Closest(atom.Value, topology.Datacenters.Select(d => d.Id));
                errors.Add(Error(atom, PolicyIssueCodes.UnknownDatacenter,
                    $"unknown datacenter '{atom.Value}' in {quoted}: not in the topology"
                    + (dc is null ? "" : $" — did you mean '{dc}'?")));
                break;
            case PolicyAttribute.Tier or PolicyAttribute.Label when !NameSyntax.IsIdentifier(atom.Value):
                errors.Add(Error(atom, PolicyIssueCodes.InvalidIdentifier,
                    $"invalid {atom.Attribute.Keyword()} '{atom.Value}' in {quoted}: expected a lowercase identifier (a letter, then [a-z0-9-], at most {NameSyntax.MaxLength} characters)"));
                break;
            case PolicyAttribute.Tier when !topology.Tiers.Contains(atom.Value):
                warnings.Add(Warning(atom, PolicyIssueCodes.UnusedTier,
                    $"no datacenter has tier '{atom.Value}' ({quoted} matches nothing); tiers in use: {Listing(topology.Tiers)}"));
                break;
            case PolicyAttribute.Label when !topology.Labels.Contains(atom.Value):
                warnings.Add(Warning(atom, PolicyIssueCodes.UnusedLabel,
                    $"no datacenter has label '{atom.Value}' ({quoted} matches nothing); labels in use: {Listing(topology.Labels)}"));
                break;
        }
    }

    private static void CheckPermittedSet(PolicyEvaluation evaluation, PolicyValidationOptions options, ImmutableArray<PolicyIssue>.Builder errors, ImmutableArray<PolicyIssue>.Builder warnings)
    {
        var count = evaluation.Permitted.Length;
        var sink = options.Force ? warnings : errors;
        var forced = options.Force ? " (accepted because forced)" : " (set Force to accept it)";
        if (count == 0)
        {
            sink.Add(new PolicyIssue(options.Force ? PolicyIssueSeverity.Warning : PolicyIssueSeverity.Error,
                PolicyIssueCodes.NoDatacenter, $"policy permits no datacenter{forced}"));
        }
        else if (count < options.MinimumDatacenters)
        {
            sink.Add(new PolicyIssue(options.Force ? PolicyIssueSeverity.Warning : PolicyIssueSeverity.Error,
                PolicyIssueCodes.BelowMinimum,
                $"policy permits {count} datacenter(s) ({string.Join(", ", evaluation.Permitted.Select(d => d.Id))}), fewer than the minimum of {options.MinimumDatacenters}{forced}"));
        }
    }

    private static IEnumerable<AttributeExpression> Atoms(PolicyExpression expression)
    {
        // Explicit stack: trees from JSON or code may be deep, and source order is kept.
        var stack = new Stack<PolicyExpression>();
        stack.Push(expression);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case AttributeExpression atom:
                    yield return atom;
                    break;
                case NotExpression not:
                    stack.Push(not.Operand);
                    break;
                case AndExpression and:
                    stack.Push(and.Right);
                    stack.Push(and.Left);
                    break;
                case OrExpression or:
                    stack.Push(or.Right);
                    stack.Push(or.Left);
                    break;
            }
        }
    }

    private static string Listing(IEnumerable<string> values)
    {
        var ordered = values.Order(StringComparer.Ordinal).ToList();
        return ordered.Count == 0 ? "(none)" : string.Join(", ", ordered);
    }

    private static PolicyIssue Error(AttributeExpression atom, string code, string message) =>
        new(PolicyIssueSeverity.Error, code, message, atom.Position);

    private static PolicyIssue Warning(AttributeExpression atom, string code, string message) =>
        new(PolicyIssueSeverity.Warning, code, message, atom.Position);
}
