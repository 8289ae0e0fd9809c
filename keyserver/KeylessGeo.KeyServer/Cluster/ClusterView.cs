using System.Collections.Immutable;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// This keyserver's view of its region's Orleans cluster, as its advertisement carries it.
/// </summary>
/// <param name="ClusterId">The cluster id; empty when the keyserver hosts no silo.</param>
/// <param name="Members">
/// The keyserver ids of the silos the cluster lists as active, in ordinal order; empty when there
/// is no silo or this silo is not itself an active member (joining, shutting down), since only
/// an active member's view says who is up.
/// </param>
/// <param name="Version">The membership version <paramref name="Members"/> was read at; 0 with no members.</param>
/// <param name="Complete">
/// False when an active silo's keyserver id is not known here yet (its metadata has not arrived),
/// so <paramref name="Members"/> lacks it and the view should be read again shortly.
/// </param>
internal readonly record struct ClusterView(string ClusterId, ImmutableArray<string> Members, long Version, bool Complete)
{
    /// <summary>No silo: nothing to say about the cluster.</summary>
    public static ClusterView None { get; } = new("", [], 0, true);
}
