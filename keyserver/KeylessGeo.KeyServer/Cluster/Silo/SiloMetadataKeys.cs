namespace KeylessGeo.KeyServer.Cluster.Silo;

/// <summary>The keys of the metadata every keyserver silo advertises to its cluster.</summary>
internal static class SiloMetadataKeys
{
    public const string KeyserverId = "keylessgeo.keyserver-id";
    public const string Datacenter = "keylessgeo.datacenter";
    public const string Region = "keylessgeo.region";
    public const string Country = "keylessgeo.country";
    public const string Tier = "keylessgeo.tier";
    public const string Accelerator = "keylessgeo.accelerator";
    public const string AcceleratorMultiplier = "keylessgeo.accelerator-multiplier";

    /// <summary>The prefix of the measured operations per second of one algorithm (<c>keylessgeo.capacity.ecdsa-p256</c>).</summary>
    public const string CapacityPrefix = "keylessgeo.capacity.";
}
