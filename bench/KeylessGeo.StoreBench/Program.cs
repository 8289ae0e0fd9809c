using System.Globalization;
using KeylessGeo.StoreBench;

// Usage: KeylessGeo.StoreBench [--sizes 1000,100000,1000000] [--stores embedded,postgresql] [--commits 50]
// Grows each store to every size in turn and measures single-key commits there; prints a markdown table.
var sizes = new List<int> { 1_000, 100_000, 1_000_000 };
var stores = new List<string> { "embedded", "postgresql" };
var commits = 50;
var errors = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--sizes" when value is not null:
            sizes = [.. value.Split(',').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1)];
            if (sizes.Contains(-1) || !sizes.SequenceEqual(sizes.Order()))
            {
                errors.Add($"--sizes: expected ascending positive whole numbers, was {value}");
            }

            i++;
            break;
        case "--stores" when value is not null:
            stores = [.. value.Split(',')];
            errors.AddRange(stores.Where(s => s is not ("embedded" or "postgresql")).Select(s => $"--stores: unknown store {s} (embedded, postgresql)"));
            i++;
            break;
        case "--commits" when value is not null:
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out commits) || commits < 1)
            {
                errors.Add($"--commits: expected a positive whole number, was {value}");
            }

            i++;
            break;
        default:
            errors.Add($"{args[i]}: unknown option or missing value");
            break;
    }
}

if (errors.Count > 0)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine(error);
    }

    return 2;
}

Console.WriteLine(SyntheticRecords.Description);
var results = new List<CommitFigures>();
foreach (var kind in stores)
{
    await using IBenchTarget target = kind == "embedded" ? new EmbeddedTarget() : await PostgresTarget.StartAsync();
    results.AddRange(await new StoreRun(target, commits, Console.Out).RunAsync(sizes));
}

Console.WriteLine();
Console.WriteLine(CommitFigures.MarkdownHeader);
foreach (var figures in results)
{
    Console.WriteLine(figures.ToMarkdownRow());
}

return 0;
