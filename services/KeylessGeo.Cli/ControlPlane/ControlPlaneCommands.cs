using System.CommandLine;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>Every control-plane command: topology, dc, policy, key, keyservers, audit.</summary>
public static class ControlPlaneCommands
{
    /// <summary>Adds the commands to <paramref name="root"/>.</summary>
    public static void AddTo(RootCommand root, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Subcommands.Add(TopologyCommands.CreateTopology(output));
        root.Subcommands.Add(TopologyCommands.CreateDatacenter(output));
        root.Subcommands.Add(PolicyCommands.Create(output));
        root.Subcommands.Add(KeyCommands.Create(output));
        root.Subcommands.Add(KeyserversCommand.Create(output));
        root.Subcommands.Add(AuditCommands.Create(output));
    }
}
