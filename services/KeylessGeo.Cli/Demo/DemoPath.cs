namespace KeylessGeo.Cli.Demo;

/// <summary>How a request travelled from the datacenter it entered to the one that signed it.</summary>
public enum DemoPath
{
    /// <summary>Signed by the entry datacenter's own keyserver.</summary>
    Local,

    /// <summary>Signed in another datacenter of the same region (Orleans call to the key's grain).</summary>
    InRegionHop,

    /// <summary>Forwarded over gRPC to a keyserver of another region.</summary>
    CrossRegion,
}
