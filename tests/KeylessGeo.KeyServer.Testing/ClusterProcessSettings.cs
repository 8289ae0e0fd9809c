namespace KeylessGeo.KeyServer.Testing;

/// <summary>
/// The settings of a keyserver process that is a member of a test cluster on one machine: the
/// shared embedded control-plane store (and membership beside it), the datacenter's wrapping key,
/// a fixed silo port (so a restarted process rejoins as itself), fast lease renewal.
/// </summary>
public static class ClusterProcessSettings
{
    public static Dictionary<string, string> For(string keyserverId, string datacenter, string storeDirectory, string wrappingKeyPath, int siloPort) => new()
    {
        ["KeyServer:Id"] = keyserverId,
        ["KeyServer:Datacenter"] = datacenter,
        ["KeyServer:Admission:DefaultDeadline"] = "00:00:05",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:KeylessGeo"] = "Information",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Cluster:Enabled"] = "true",
        ["Cluster:Store:Kind"] = "embedded",
        ["Cluster:Store:DataDirectory"] = storeDirectory,
        ["Cluster:WrappingKeyPath"] = wrappingKeyPath,
        ["Cluster:LeaseRenewInterval"] = "00:00:01",
        ["Cluster:Silo:Port"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
