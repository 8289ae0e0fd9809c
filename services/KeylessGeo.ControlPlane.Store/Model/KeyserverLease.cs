using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>A keyserver's registration: who it is, where, what it can do; renewed before it expires.</summary>
public sealed record KeyserverLease
{
    public required string KeyserverId { get; init; }

    public required string DatacenterId { get; init; }

    /// <summary>Where edge agents reach it, e.g. <c>grpc://10.0.0.5:7443</c>, <c>keyless://10.0.0.5:2407</c>.</summary>
    public ImmutableArray<string> Endpoints { get; init; } = [];

    /// <summary>Measured operations per second per algorithm name.</summary>
    public ImmutableSortedDictionary<string, double> Capacity { get; init; } = ImmutableSortedDictionary<string, double>.Empty;

    /// <summary>Accelerator kind (<c>none</c>, <c>qat</c>, …).</summary>
    public string Accelerator { get; init; } = "none";

    /// <summary>The store revision whose keys this keyserver has applied (its view of the change feed).</summary>
    public long AppliedRevision { get; init; }

    /// <summary>
    /// The Orleans cluster this keyserver's silo belongs to (<c>keylessgeo-{region}</c> unless
    /// configured); empty when it hosts no silo. Absent from leases written before keyservers
    /// reported it (an older lease file), it reads as empty.
    /// </summary>
    public string ClusterId { get; init => field = value ?? ""; } = "";

    /// <summary>
    /// The keyserver's view of its cluster when it renewed: the keyserver ids of the silos the
    /// cluster's membership lists as active, in ordinal order. Empty when it hosts no silo or its
    /// silo has not joined yet. The control plane takes the freshest such view of a cluster as
    /// the truth about which of its keyservers are up.
    /// </summary>
    public ImmutableArray<string> ClusterMembers { get; init => field = value.IsDefault ? [] : value; } = [];

    /// <summary>
    /// The version of the cluster's membership that <see cref="ClusterMembers"/> was read at (it
    /// grows with every membership change, so of two views of one cluster the higher is the
    /// newer, whatever the clocks); 0 with no view.
    /// </summary>
    public long ClusterVersion { get; init; }

    /// <summary>Set by the store on renewal.</summary>
    public DateTimeOffset RenewedAt { get; init; }

    /// <summary>Set by the store on renewal; after it the keyserver is out of routing.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}
