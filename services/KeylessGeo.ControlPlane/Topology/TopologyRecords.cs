using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>Converts between the store's datacenter records and the policy library's topology.</summary>
internal static class TopologyRecords
{
    /// <summary>The stored topology as the evaluator's <see cref="DatacenterTopology"/>.</summary>
    public static DatacenterTopology ToTopology(ControlPlaneState state)
    {
        try
        {
            return DatacenterTopology.Create(state.Datacenters.Select(ToDatacenter));
        }
        catch (TopologyException ex)
        {
            // Only a store edited behind the control plane's back can hold an invalid topology.
            throw new ControlPlaneException(ErrorKind.Internal, ErrorCodes.InvalidTopology,
                $"the stored topology (revision {state.Revision}) is invalid: {ex.Message}");
        }
    }

    public static Datacenter ToDatacenter(DatacenterRecord record) => new()
    {
        Id = record.Id,
        Region = record.Region,
        Country = record.Country,
        Tier = record.Tier,
        Labels = record.Labels.ToImmutableSortedSet(StringComparer.Ordinal),
    };

    public static DatacenterRecord ToRecord(Datacenter datacenter) => new()
    {
        Id = datacenter.Id,
        Region = datacenter.Region,
        Country = datacenter.Country,
        Tier = datacenter.Tier,
        Labels = [.. datacenter.Labels.Order(StringComparer.Ordinal)],
    };

    /// <summary>Record equality with labels compared by content.</summary>
    public static bool SameAttributes(DatacenterRecord a, DatacenterRecord b) =>
        string.Equals(a.Region, b.Region, StringComparison.Ordinal)
        && string.Equals(a.Country, b.Country, StringComparison.Ordinal)
        && string.Equals(a.Tier, b.Tier, StringComparison.Ordinal)
        && a.Labels.SequenceEqual(b.Labels, StringComparer.Ordinal);
}
