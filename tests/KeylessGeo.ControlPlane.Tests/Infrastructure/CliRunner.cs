using Spectre.Console;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>Runs the <c>keylessgeo</c> CLI in-process and captures what it prints (standard output and error together).</summary>
public static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        var exitCode = await KeylessGeo.Cli.Program.RunAsync(args, output, output, console);
        return (exitCode, output.ToString());
    }
}
