namespace KeylessGeo.Cli.Demo;

/// <summary>One datacenter of the demo: it runs one keyserver, one edge agent and one edge host.</summary>
/// <param name="Id">The datacenter id (<c>fra1</c>).</param>
/// <param name="Region">Its region (<c>EU</c>).</param>
public sealed record DemoDatacenter(string Id, string Region)
{
    /// <summary>The keyserver's id.</summary>
    public string KeyserverId => $"ks-{Id}-1";

    /// <summary>The edge agent's id.</summary>
    public string AgentId => $"agent-{Id}-1";

    /// <summary>The edge host's id.</summary>
    public string EdgeHostId => $"edge-{Id}-1";
}
