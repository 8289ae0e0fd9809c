using System.CommandLine;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary><c>keylessgeo keyless</c>: talk to a server over the Keyless protocol (ours, gokeyless or any conforming one).</summary>
public static class KeylessCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(TextWriter output) => new("keyless", "Talk to a Keyless protocol server over mutual TLS: ping, sign, bench.")
    {
        KeylessPingCommand.Create(output),
        KeylessSignCommand.Create(output),
        KeylessBenchCommand.Create(output),
    };
}
