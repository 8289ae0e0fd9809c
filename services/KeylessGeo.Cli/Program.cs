using System.CommandLine;
using KeylessGeo.Cli.Commands;
using KeylessGeo.Cli.Commands.Keyless;
using KeylessGeo.Cli.ControlPlane;
using Spectre.Console;

namespace KeylessGeo.Cli;

/// <summary>The <c>keylessgeo</c> operator CLI.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error, CreateConsole());

    /// <summary>
    /// The console for tables and colours: Spectre's detection on a terminal; plain text (no ANSI
    /// codes, no colours, nothing interactive) when standard output is redirected to a file or a pipe.
    /// </summary>
    public static IAnsiConsole CreateConsole() => Console.IsOutputRedirected
        ? AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        })
        : AnsiConsole.Console;

    /// <summary>Parses and runs <paramref name="args"/>; usage errors go to <paramref name="error"/>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IAnsiConsole console)
        => BuildRoot(output, console).Parse(args).InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Ctrl+C and SIGTERM cancel the command's token; the demo then stops its child processes
            // (each gets SIGTERM and up to 15 s), which the default 2 s would cut short.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
        });

    /// <summary>The command tree, writing to <paramref name="output"/> and <paramref name="console"/>.</summary>
    public static RootCommand BuildRoot(TextWriter output, IAnsiConsole console)
    {
        var root = new RootCommand("KeylessGeo operator CLI");
        root.Subcommands.Add(DemoCommand.Create(output, console));
        root.Subcommands.Add(SignCommand.Create(output));
        root.Subcommands.Add(CapacityCommand.Create(console));
        root.Subcommands.Add(KeyIdCommand.Create(output));
        root.Subcommands.Add(KeylessCommands.Create(output));
        ControlPlaneCommands.AddTo(root, output);
        return root;
    }
}
