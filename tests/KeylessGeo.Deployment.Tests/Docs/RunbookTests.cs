using System.CommandLine;
using System.Text.RegularExpressions;
using KeylessGeo.Deployment.Tests.Infrastructure;

namespace KeylessGeo.Deployment.Tests.Docs;

/// <summary>
/// docs/RUNBOOK.md and docs/DEPLOYMENT.md against what operators will type and watch: every
/// <c>keylessgeo …</c> command they show is a command of the real CLI with options it has, and
/// every Prometheus name in the runbook is one the metric references document.
/// </summary>
public sealed partial class RunbookTests
{
    [Theory]
    [InlineData("docs/RUNBOOK.md", 20)]
    [InlineData("docs/DEPLOYMENT.md", 4)]
    public void EveryCommandShown_IsACommandOfTheCli_WithOptionsItHas(string page, int atLeast)
    {
        using var output = new StringWriter();
        var root = KeylessGeo.Cli.Program.BuildRoot(output, Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(output) }));
        var problems = new List<string>();
        var commands = Commands(RepositoryFiles.Read(page)).ToList();
        foreach (var words in commands)
        {
            Command command = root;
            var options = new List<Option>(root.Options);
            foreach (var word in words)
            {
                if (word.StartsWith("--", StringComparison.Ordinal))
                {
                    if (!options.Any(o => o.Name == word || o.Aliases.Contains(word)))
                    {
                        problems.Add($"keylessgeo {string.Join(' ', words)}: '{command.Name}' has no option {word}");
                    }

                    continue;
                }

                if (command.Subcommands.FirstOrDefault(c => c.Name == word) is { } sub)
                {
                    command = sub;
                    options.AddRange(sub.Options);
                }
                else if (command == root)
                {
                    problems.Add($"keylessgeo {string.Join(' ', words)}: no command '{word}'");
                    break;
                }
            }
        }

        Assert.True(commands.Count >= atLeast, $"only {commands.Count} commands found in {page}");
        Assert.Empty(problems);
    }

    [Fact]
    public void EveryMetricInTheRunbook_IsDocumented()
    {
        var documented = RepositoryFiles.Read("docs/METRICS.md") + RepositoryFiles.Read("docs/EDGE-AGENT.md");
        // A histogram's series carry _bucket, _sum and _count after the documented name.
        var names = Metric().Matches(RepositoryFiles.Read("docs/RUNBOOK.md")).Select(m => HistogramSeries().Replace(m.Value, "")).Distinct().ToList();

        Assert.True(names.Count >= 15, $"only {names.Count} metric names found");
        Assert.All(names, name => Assert.Contains(name, documented, StringComparison.Ordinal));
    }

    /// <summary>The words after <c>keylessgeo</c> in code spans and code blocks, up to a shell operator.</summary>
    private static IEnumerable<IReadOnlyList<string>> Commands(string page)
    {
        foreach (Match match in Invocation().Matches(page))
        {
            var words = match.Groups["words"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .TakeWhile(w => w is not ("|" or "&&" or ";" or "\\" or "#"))
                .Select(w => w.Split('=')[0])
                .ToList();
            if (words.Count > 0)
            {
                yield return words;
            }
        }
    }

    [GeneratedRegex(@"(?:`|^|exec controlplane |-- )keylessgeo (?<words>[a-z-][^`\n]*)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Invocation();

    [GeneratedRegex(@"_(bucket|sum|count)$", RegexOptions.CultureInvariant)]
    private static partial Regex HistogramSeries();

    [GeneratedRegex(@"keylessgeo_[a-z0-9_]*[a-z0-9]", RegexOptions.CultureInvariant)]
    private static partial Regex Metric();
}
