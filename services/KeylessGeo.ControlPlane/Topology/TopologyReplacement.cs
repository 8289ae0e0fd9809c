using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>A new topology to replace the current one with.</summary>
public sealed record TopologyReplacement
{
    /// <summary>Every datacenter of the new topology (datacenters not listed are removed).</summary>
    public required ImmutableArray<Datacenter> Datacenters { get; init; }

    /// <summary>Accept leaving a policy with an empty or too small permitted set.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Reads the topology file format (<c>{"datacenters":[...]}</c>, see docs/POLICY.md). Malformed
    /// JSON is a 400; an invalid topology a 422 listing every error.
    /// </summary>
    public static TopologyReplacement FromJson(string json, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return new TopologyReplacement { Datacenters = TopologyJson.Parse(json).Datacenters, Force = force };
        }
        catch (TopologyException ex)
        {
            if (ex.Errors is [{ Datacenter: "(document)" } only])
            {
                throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, only.Field == "(json)" ? "topology" : only.Field, only.Message);
            }

            throw Invalid(ex.Errors);
        }
    }

    /// <summary>The 422 for topology errors, one field error each (<c>datacenters[fra1].country</c>).</summary>
    internal static ControlPlaneException Invalid(IReadOnlyList<TopologyError> errors) =>
        new(ErrorKind.Invalid, ErrorCodes.InvalidTopology,
            $"the topology is invalid ({errors.Count} error(s)): " + string.Join("; ", errors),
            errors.Select(e => new FieldError($"datacenters[{e.Datacenter}].{e.Field}", e.Message)));
}
