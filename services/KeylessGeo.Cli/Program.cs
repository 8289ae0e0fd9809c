using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using KeylessGeo.Cli.Commands;
using KeylessGeo.Cli.Commands.DevCerts;
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

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse (an unknown
    /// command or option, a missing or malformed value) is listed on <paramref name="error"/> and
    /// exits with <see cref="UsageExitCode"/>, like every other bad argument: nothing is run.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(error);
        var parse = BuildRoot(output, console).Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            await error.WriteLineAsync("keylessgeo: bad arguments:");
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync("  - " + problem.Message);
            }

            await error.WriteLineAsync($"See: keylessgeo {CommandPath(parse)}--help");
            return UsageExitCode;
        }

        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Ctrl+C and SIGTERM cancel the command's token; the demo then stops its child processes
            // (each gets SIGTERM and up to 15 s), which the default 2 s would cut short.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
        });
    }

    /// <summary>The exit code of a command line that does not parse (the same as any bad argument).</summary>
    public const int UsageExitCode = 2;

    // The subcommands the parse got to ("policy set"), so the hint names the right --help.
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Concat(names.Select(name => name + " "));
    }

    /// <summary>The command tree, writing to <paramref name="output"/> and <paramref name="console"/>.</summary>
    public static RootCommand BuildRoot(TextWriter output, IAnsiConsole console)
    {
        var root = new RootCommand("KeylessGeo operator CLI");
        root.Subcommands.Add(DemoCommand.Create(output, console));
        root.Subcommands.Add(SignCommand.Create(output));
        root.Subcommands.Add(CapacityCommand.Create(console));
        root.Subcommands.Add(KeyIdCommand.Create(output));
        root.Subcommands.Add(KeylessCommands.Create(output));
        root.Subcommands.Add(DevCertsCommand.Create(output));
        ControlPlaneCommands.AddTo(root, output);
        return root;
    }
}
