using System.Collections.Frozen;
using System.Collections.Immutable;

namespace KeylessGeo.Policy.Topology;

/// <summary>
/// A validated, immutable set of datacenters, in the order they were declared.
/// </summary>
public sealed class DatacenterTopology
{
    private readonly FrozenDictionary<string, Datacenter> _byId;

    private DatacenterTopology(ImmutableArray<Datacenter> datacenters)
    {
        Datacenters = datacenters;
        _byId = datacenters.ToFrozenDictionary(dc => dc.Id, StringComparer.Ordinal);
        Tiers = datacenters.Select(dc => dc.Tier).ToFrozenSet(StringComparer.Ordinal);
        Labels = datacenters.SelectMany(dc => dc.Labels).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>An empty topology.</summary>
    public static DatacenterTopology Empty { get; } = new([]);

    /// <summary>Every datacenter, in declaration order.</summary>
    public ImmutableArray<Datacenter> Datacenters { get; }

    /// <summary>Every tier used by at least one datacenter.</summary>
    public FrozenSet<string> Tiers { get; }

    /// <summary>Every label used by at least one datacenter.</summary>
    public FrozenSet<string> Labels { get; }

    /// <summary>
    /// Validates <paramref name="datacenters"/> and builds a topology.
    /// </summary>
    /// <exception cref="TopologyException">Any datacenter is invalid; carries every error.</exception>
    public static DatacenterTopology Create(IEnumerable<Datacenter> datacenters)
    {
        ArgumentNullException.ThrowIfNull(datacenters);
        var list = datacenters.ToImmutableArray();
        var errors = TopologyValidator.Validate(list);
        if (!errors.IsEmpty)
        {
            throw new TopologyException(errors);
        }

        return new DatacenterTopology(list);
    }

    /// <summary>Finds a datacenter by id.</summary>
    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Datacenter? datacenter) =>
        _byId.TryGetValue(id, out datacenter);

    /// <summary>True if a datacenter with this id exists.</summary>
    public bool Contains(string id) => _byId.ContainsKey(id);
}
