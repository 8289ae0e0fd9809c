using System.CommandLine;
using KeylessGeo.Cli.Demo;

namespace KeylessGeo.Cli.Commands;

/// <summary><c>keylessgeo demo</c>: a keyserver on generated demo keys, and verified signatures from it.</summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var keep = new Option<DirectoryInfo?>("--keep") { Description = "Write the demo CA, certificates and keys here and keep them (default: a temporary folder, deleted afterwards)." };
        var serve = new Option<bool>("--serve") { Description = "Keep the keyserver running after the signatures (until Ctrl+C)." };
        var noServe = new Option<bool>("--no-serve") { Description = "Only generate the material (with --keep); do not start a keyserver." };
        var command = new Command("demo", "Start a keyserver on a generated demo key set and print signatures it made, verified.")
        {
            keep,
            serve,
            noServe,
        };
        command.SetAction((parse, cancellation) => DemoRunner.RunAsync(
            new DemoSettings(parse.GetValue(keep)?.FullName, parse.GetValue(serve), parse.GetValue(noServe)),
            output,
            cancellation));
        return command;
    }
}
