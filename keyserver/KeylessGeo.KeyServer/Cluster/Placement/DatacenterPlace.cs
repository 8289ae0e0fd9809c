namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>Where a datacenter of the topology is: its region, country and tier.</summary>
internal sealed record DatacenterPlace(string Id, string Region, string Country, string Tier);
