using System.Globalization;
using KeylessGeo.KeyServer.Capacity;

namespace KeylessGeo.KeyServer.Cluster.Silo;

/// <summary>
/// Who this keyserver is in its region's cluster: id, datacenter, region (configured or read
/// from the store at start), country and tier, and the metadata the silo advertises. Settled
/// once before the host starts; the silo reads <see cref="Metadata"/> when it starts.
/// </summary>
internal sealed class SiloIdentity
{
    public SiloIdentity(string keyserverId, string datacenter, AcceleratorInfo accelerator)
    {
        KeyserverId = keyserverId;
        Datacenter = datacenter;
        Metadata[SiloMetadataKeys.KeyserverId] = keyserverId;
        Metadata[SiloMetadataKeys.Datacenter] = datacenter;
        Metadata[SiloMetadataKeys.Accelerator] = accelerator.Kind.Length > 0 ? accelerator.Kind : "none";
        Metadata[SiloMetadataKeys.AcceleratorMultiplier] = accelerator.Multiplier.ToString(CultureInfo.InvariantCulture);
    }

    public string KeyserverId { get; }

    public string Datacenter { get; }

    public string Region { get; private set; } = "";

    public string ClusterId { get; private set; } = "";

    /// <summary>The silo metadata (keys in <see cref="SiloMetadataKeys"/>); complete once <see cref="Settle"/> ran.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Fixes the region, the cluster id and the topology facts; called once, before the host starts.</summary>
    public void Settle(string region, string clusterId, string? country, string? tier)
    {
        Region = region;
        ClusterId = clusterId;
        Metadata[SiloMetadataKeys.Region] = region;
        Metadata[SiloMetadataKeys.Country] = country ?? "";
        Metadata[SiloMetadataKeys.Tier] = tier ?? "";
    }
}
