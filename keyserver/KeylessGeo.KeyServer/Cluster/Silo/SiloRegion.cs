using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster.Silo;

/// <summary>
/// Settles which region's cluster this keyserver joins before the host starts: the configured
/// <c>Cluster:Silo:Region</c>, or the region the control-plane store's topology gives this
/// datacenter. Reading the store here blocks start-up, bounded by <c>Cluster:InitialSnapshotTimeout</c>
/// (at least 5 s): without a region there is no cluster to join.
/// </summary>
internal static class SiloRegion
{
    /// <exception cref="OptionsValidationException">No region can be settled, or the configured one contradicts the topology.</exception>
    public static void Settle(SiloIdentity identity, ClusterOptions cluster, IControlPlaneStore store)
    {
        var configured = cluster.Silo.Region.Trim();
        var (place, problem) = ReadPlace(identity.Datacenter, cluster, store);
        var failures = new List<string>();
        if (configured.Length == 0 && place is null)
        {
            failures.Add($"Cluster:Silo:Region is empty, and {problem}; set the region, or add the datacenter to the topology.");
        }
        else if (configured.Length > 0 && place is not null && !string.Equals(configured, place.Region, StringComparison.Ordinal))
        {
            failures.Add($"Cluster:Silo:Region is '{configured}', but the control-plane topology puts datacenter '{identity.Datacenter}' in region '{place.Region}'.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException("keyserver", typeof(SiloOptions), failures);
        }

        var region = configured.Length > 0 ? configured : place!.Region;
        var clusterId = cluster.Silo.ClusterId.Length > 0 ? cluster.Silo.ClusterId : $"keylessgeo-{region}";
        identity.Settle(region, clusterId, place?.Country, place?.Tier);
    }

    private static (DatacenterRecord? Place, string Problem) ReadPlace(string datacenter, ClusterOptions cluster, IControlPlaneStore store)
    {
        var timeout = cluster.InitialSnapshotTimeout > TimeSpan.FromSeconds(5) ? cluster.InitialSnapshotTimeout : TimeSpan.FromSeconds(5);
        try
        {
            using var cancel = new CancellationTokenSource(timeout);

            // Start-up only: nothing is served yet, so waiting here holds up no request.
            var snapshot = store.ReadSnapshotAsync(cancel.Token).GetAwaiter().GetResult();
            var place = snapshot.Datacenters.FirstOrDefault(d => string.Equals(d.Id, datacenter, StringComparison.Ordinal));
            return place is null
                ? (null, $"the control-plane topology (revision {snapshot.Revision}) has no datacenter '{datacenter}'")
                : (place, "");
        }
        catch (Exception e) when (e is StoreUnavailableException or OperationCanceledException or TimeoutException)
        {
            return (null, $"the control-plane store could not be read within {timeout.TotalSeconds:F0} s to find the region of datacenter '{datacenter}' ({e.Message})");
        }
    }
}
