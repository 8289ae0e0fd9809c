using System.CommandLine;
using KeylessGeo.Cli.Commands;

namespace KeylessGeo.Cli;

/// <summary>The <c>keylessgeo</c> operator CLI.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("KeylessGeo operator CLI");
        root.Subcommands.Add(DemoCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
