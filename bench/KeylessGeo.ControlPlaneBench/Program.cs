using System.Globalization;
using KeylessGeo.ControlPlaneBench;

// Usage: KeylessGeo.ControlPlaneBench [--sizes 1000,100000,1000000] [--stores embedded,postgresql] [--applies 50]
// Grows each store to every size in turn and measures the control plane applying one change there
// (its state follower catching up by one change page); prints a markdown table.
var sizes = new List<int> { 1_000, 100_000, 1_000_000 };
var stores = new List<string> { "embedded", "postgresql" };
var applies = 50;
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
        case "--applies" when value is not null:
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out applies) || applies < 1)
            {
                errors.Add($"--applies: expected a positive whole number, was {value}");
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

Console.WriteLine(BenchRecords.Description);
var results = new List<ApplyFigures>();
foreach (var kind in stores)
{
    await using var target = await BenchStore.OpenAsync(kind);
    using var run = new ApplyRun(target, applies, Console.Out);
    results.AddRange(await run.RunAsync(sizes));
}

Console.WriteLine();
Console.WriteLine(ApplyFigures.MarkdownHeader);
foreach (var figures in results)
{
    Console.WriteLine(figures.ToMarkdownRow());
}

return 0;
