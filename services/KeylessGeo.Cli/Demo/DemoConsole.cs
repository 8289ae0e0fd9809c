using System.Globalization;
using Spectre.Console;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Where the demo reports: on a terminal, a spinner while each step runs and a table filled in
/// live; otherwise (output redirected to a file or a pipe) plain lines without any ANSI code, one
/// per step and per row, in a fixed column layout a script can read.
/// </summary>
public sealed class DemoConsole(TextWriter output, IAnsiConsole console, bool interactive)
{
    private static readonly string[] Columns = ["key", "policy", "entry", "signed by", "path", "latency", "verified"];

    /// <summary>Whether the live display is used.</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>The live display only on a real terminal that understands ANSI, for the process's own standard output.</summary>
    public static DemoConsole For(TextWriter output, IAnsiConsole console) =>
        new(output, console, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && console.Profile.Capabilities.Ansi && console.Profile.Capabilities.Interactive);

    /// <summary>One line of narration.</summary>
    public async Task LineAsync(string text = "")
    {
        if (Interactive)
        {
            console.Write(new Text(text + "\n"));
        }
        else
        {
            await output.WriteLineAsync(text);
            await output.FlushAsync();
        }
    }

    /// <summary>Runs <paramref name="work"/> under a spinner naming it (a plain line when not on a terminal).</summary>
    public async Task<T> StepAsync<T>(string text, Func<Task<T>> work)
    {
        if (!Interactive)
        {
            await LineAsync(text + " …");
            return await work();
        }

        var result = await console.Status().Spinner(Spinner.Known.Dots).StartAsync(text + " …", _ => work());
        console.Write(new Text("✓ " + text + "\n"));
        return result;
    }

    /// <summary>Runs <paramref name="work"/> under a spinner.</summary>
    public Task StepAsync(string text, Func<Task> work) => StepAsync(text, async () =>
    {
        await work();
        return true;
    });

    /// <summary>
    /// Fills a table of <paramref name="cells"/> (key, entry datacenter) by running
    /// <paramref name="run"/> for each in turn, showing each row as it completes.
    /// </summary>
    public async Task<IReadOnlyList<DemoResult>> TableAsync(string title, IReadOnlyList<(string KeyId, string Policy, string Entry)> cells, Func<int, Task<DemoResult>> run)
    {
        var results = new List<DemoResult>(cells.Count);
        if (!Interactive)
        {
            await LineAsync(title);
            await LineAsync(Format(Columns));
            foreach (var index in Enumerable.Range(0, cells.Count))
            {
                var result = await run(index);
                results.Add(result);
                await LineAsync(Format(Row(result)));
            }

            return results;
        }

        var table = new Table().Title(title).Border(TableBorder.Rounded);
        foreach (var column in Columns)
        {
            table.AddColumn(column);
        }

        foreach (var (keyId, policy, entry) in cells)
        {
            table.AddRow(new Text(keyId), new Text(policy), new Text(entry), new Text("…"), new Text(""), new Text(""), new Text("waiting"));
        }

        await console.Live(table).StartAsync(async context =>
        {
            foreach (var index in Enumerable.Range(0, cells.Count))
            {
                table.UpdateCell(index, 6, new Markup("[yellow]signing…[/]"));
                context.Refresh();
                var result = await run(index);
                results.Add(result);
                var row = Row(result);
                for (var column = 3; column < row.Length; column++)
                {
                    table.UpdateCell(index, column, column == 6 ? new Text(row[column], new Style(result.Passed ? Color.Green : Color.Red)) : new Text(row[column]));
                }

                context.Refresh();
            }
        });
        return results;
    }

    private static string[] Row(DemoResult result) =>
    [
        result.KeyId,
        result.Policy,
        result.Entry,
        result.ServedBy is null ? "-" : $"{result.ServedBy} ({result.SignedIn})",
        result.PathText,
        result.Requests == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{result.Latency.TotalMilliseconds:F1} ms"),
        result.VerifiedText,
    ];

    private static string Format(string[] row) => string.Create(CultureInfo.InvariantCulture,
        $"{row[0],-16} | {row[1],-31} | {row[2],-5} | {row[3],-18} | {row[4],-13} | {row[5],9} | {row[6]}");
}
