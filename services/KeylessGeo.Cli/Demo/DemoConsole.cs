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
    private static readonly TableLayout SignatureTable = new(["key", "policy", "entry", "signed by", "path", "latency", "verified"], [16, 31, 5, 18, 13, -9, 0]);

    private static readonly TableLayout HandshakeTable = new(
        ["server name", "key", "policy", "entry", "tls", "signed by", "path", "latency", "verified"], [15, 15, 31, 5, 47, 18, 13, -9, 0]);

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
    public Task<IReadOnlyList<DemoResult>> TableAsync(string title, IReadOnlyList<(string KeyId, string Policy, string Entry)> cells, Func<int, Task<DemoResult>> run) =>
        TableAsync(title, SignatureTable, [.. cells.Select(c => new[] { c.KeyId, c.Policy, c.Entry })], run, Row, r => r.Passed, "signing…");

    /// <summary>
    /// Fills a table of TLS handshakes through the edge hosts: one row per (server name, key,
    /// policy, entry datacenter, TLS version) in <paramref name="cells"/>, each as it completes.
    /// </summary>
    public Task<IReadOnlyList<DemoHandshakeResult>> HandshakeTableAsync(string title, IReadOnlyList<string[]> cells, Func<int, Task<DemoHandshakeResult>> run) =>
        TableAsync(title, HandshakeTable, cells, run, Row, r => r.Passed, "handshaking…");

    private async Task<IReadOnlyList<TResult>> TableAsync<TResult>(
        string title, TableLayout layout, IReadOnlyList<string[]> cells, Func<int, Task<TResult>> run, Func<TResult, string[]> row, Func<TResult, bool> passed, string working)
    {
        var results = new List<TResult>(cells.Count);
        var last = layout.Columns.Length - 1;
        if (!Interactive)
        {
            await LineAsync(title);
            await LineAsync(layout.Format(layout.Columns));
            foreach (var index in Enumerable.Range(0, cells.Count))
            {
                var result = await run(index);
                results.Add(result);
                await LineAsync(layout.Format(row(result)));
            }

            return results;
        }

        var table = new Table().Title(title).Border(TableBorder.Rounded);
        foreach (var column in layout.Columns)
        {
            table.AddColumn(column);
        }

        foreach (var known in cells)
        {
            table.AddRow([.. layout.Columns.Select((_, column) => new Text(column < known.Length ? known[column] : column == last ? "waiting" : column == known.Length ? "…" : ""))]);
        }

        await console.Live(table).StartAsync(async context =>
        {
            foreach (var index in Enumerable.Range(0, cells.Count))
            {
                table.UpdateCell(index, last, new Markup($"[yellow]{working}[/]"));
                context.Refresh();
                var result = await run(index);
                results.Add(result);
                var values = row(result);
                for (var column = 0; column < values.Length; column++)
                {
                    table.UpdateCell(index, column, column == last ? new Text(values[column], new Style(passed(result) ? Color.Green : Color.Red)) : new Text(values[column]));
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

    private static string[] Row(DemoHandshakeResult result) =>
    [
        result.ServerName,
        result.KeyId,
        result.Policy,
        result.Entry,
        result.TlsText,
        result.SignersText,
        result.PathText,
        result.Handshakes == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{result.Latency.TotalMilliseconds:F1} ms"),
        result.VerifiedText,
    ];

    /// <summary>A table's columns and, for plain output, each column's width (negative: right-aligned; 0: as it is).</summary>
    private sealed record TableLayout(string[] Columns, int[] Widths)
    {
        public string Format(string[] row) => string.Join(" | ", row.Select((cell, i) => Widths[i] switch
        {
            > 0 => cell.PadRight(Widths[i]),
            < 0 => cell.PadLeft(-Widths[i]),
            _ => cell,
        }));
    }
}
