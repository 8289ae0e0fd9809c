using System.Collections.Frozen;
using System.Collections.Immutable;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// The datacenters where one policy's keys may be opened: listed as permitted by the control
/// plane, permitted by the policy text as evaluated here, and holding a wrapped copy of the
/// policy key. The regions are those datacenters' regions, sorted.
/// </summary>
internal sealed class PermittedPlaces
{
    private readonly FrozenSet<string> _datacenters;

    public PermittedPlaces(string policyId, IEnumerable<DatacenterPlace> datacenters)
    {
        PolicyId = policyId;
        var places = datacenters.OrderBy(static d => d.Id, StringComparer.Ordinal).ToImmutableArray();
        Datacenters = places;
        _datacenters = places.Select(static d => d.Id).ToFrozenSet(StringComparer.Ordinal);
        Regions = [.. places.Select(static d => d.Region).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public string PolicyId { get; }

    /// <summary>The permitted datacenters, by id.</summary>
    public ImmutableArray<DatacenterPlace> Datacenters { get; }

    /// <summary>The regions of <see cref="Datacenters"/>.</summary>
    public ImmutableArray<string> Regions { get; }

    public bool Permits(string datacenter) => _datacenters.Contains(datacenter);

    /// <summary>True when a permitted datacenter lies in <paramref name="region"/>.</summary>
    public bool PermitsRegion(string region) => Regions.Contains(region, StringComparer.Ordinal);

    /// <summary>The permitted datacenters outside <paramref name="region"/>.</summary>
    public IReadOnlyCollection<string> DatacentersOutside(string region) =>
        [.. Datacenters.Where(d => !string.Equals(d.Region, region, StringComparison.Ordinal)).Select(static d => d.Id)];

    /// <summary>For messages: "regions eu (fra1, ams1), na (iad1)", or "no datacenter".</summary>
    public string Describe() => Datacenters.IsEmpty
        ? "no datacenter"
        : "region" + (Regions.Length == 1 ? " " : "s ") + string.Join(", ", Regions.Select(r =>
            $"{r} ({string.Join(", ", Datacenters.Where(d => d.Region == r).Select(static d => d.Id))})"));
}
