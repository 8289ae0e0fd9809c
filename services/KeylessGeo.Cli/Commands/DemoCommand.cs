using System.CommandLine;
using KeylessGeo.Cli.Demo;
using Spectre.Console;

namespace KeylessGeo.Cli.Commands;

/// <summary><c>keylessgeo demo</c>: the main job, a local multi-region cluster of separate processes with verified signatures.</summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output, IAnsiConsole console)
    {
        var keep = new Option<DirectoryInfo?>("--keep") { Description = "Use this data directory (CA, certificates, keys, store, logs) and keep it; a second run with the same directory reuses it (default: a temporary folder, removed at exit)." };
        var once = new Option<bool>("--once") { Description = "Run the steps, print the summary and exit (for scripts and CI) instead of keeping the cluster up until Ctrl+C." };
        var serve = new Option<bool>("--serve") { Description = "Keep the cluster running after the summary until Ctrl+C or SIGTERM (the default).", Hidden = true };
        var noServe = new Option<bool>("--no-serve") { Description = "Only generate the material (with --keep); start nothing." };
        var command = new Command("demo", "Start a local multi-region cluster (control plane, keyservers in fra1, ams1, sfo1, iad1, an edge agent and an edge host per datacenter) as separate processes and show verified signatures through every edge agent and TLS handshakes through every edge host.")
        {
            keep,
            once,
            serve,
            noServe,
        };
        command.SetAction((parse, cancellation) => DemoRunner.RunAsync(
            new DemoSettings(parse.GetValue(keep)?.FullName, parse.GetValue(once) && !parse.GetValue(serve), parse.GetValue(noServe)),
            DemoConsole.For(output, console),
            cancellation));
        return command;
    }
}
