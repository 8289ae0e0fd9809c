using System.Collections.Frozen;
using System.Collections.Immutable;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Evaluation;

/// <summary>
/// The result of evaluating a policy against a topology: one decision per datacenter.
/// </summary>
public sealed class PolicyEvaluation
{
    private readonly FrozenDictionary<string, DatacenterDecision> _byId;

    internal PolicyEvaluation(ImmutableArray<DatacenterDecision> decisions)
    {
        Decisions = decisions;
        _byId = decisions.ToFrozenDictionary(d => d.Datacenter.Id, StringComparer.Ordinal);
        Permitted = [.. decisions.Where(d => d.Permitted).Select(d => d.Datacenter)];
        PermittedIds = Permitted.Select(dc => dc.Id).ToImmutableSortedSet(StringComparer.Ordinal);
    }

    /// <summary>Every datacenter's decision, in topology order.</summary>
    public ImmutableArray<DatacenterDecision> Decisions { get; }

    /// <summary>The permitted datacenters, in topology order.</summary>
    public ImmutableArray<Datacenter> Permitted { get; }

    /// <summary>The ids of the permitted datacenters.</summary>
    public ImmutableSortedSet<string> PermittedIds { get; }

    /// <summary>The decision for datacenter <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such datacenter in the evaluated topology.</exception>
    public DatacenterDecision this[string id] => _byId[id];

    /// <summary>True if datacenter <paramref name="id"/> exists and is permitted.</summary>
    public bool IsPermitted(string id) => _byId.TryGetValue(id, out var decision) && decision.Permitted;
}
