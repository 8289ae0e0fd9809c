using System.Globalization;
using KeylessGeo.StoreBench;

// Usage: KeylessGeo.StoreBench [--mode commits|feed|cold|coldgrain|controlplane] [--sizes 1000,100000,1000000] [--stores embedded,postgresql] [--commits 50] [--certificates]
// Grows each store to every size in turn and measures single-key commits there (mode commits), or an
// in-process keyserver starting (time, memory per key) and applying one change from the store's feed
// (mode feed; --certificates gives every key a real certificate PEM, CertificatePool); or (mode cold) the first signature with a cold managed key against a warm one, with
// --commits keys; or (mode coldgrain) the same through the key grain of a two-silo region (a request
// entering at ams1 for a key only fra1 may hold), with --commits keys per path; or (mode controlplane) the control plane's state follower applying one change
// (--commits applies per size). Prints a markdown table.
var sizes = new List<int> { 1_000, 100_000, 1_000_000 };
var stores = new List<string> { "embedded", "postgresql" };
var commits = 50;
var mode = "commits";
var withCertificates = false;
var errors = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--certificates":
            withCertificates = true;
            break;
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
        case "--mode" when value is not null:
            mode = value;
            if (mode is not ("commits" or "feed" or "cold" or "coldgrain" or "controlplane"))
            {
                errors.Add($"--mode: unknown mode {value} (commits, feed, cold, coldgrain, controlplane)");
            }

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

#if !OLD_STORE
if (mode == "cold")
{
    var coldResults = new List<ColdKeyFigures>();
    foreach (var kind in stores)
    {
        await using IBenchTarget target = kind == "embedded" ? new EmbeddedTarget() : await PostgresTarget.StartAsync();
        using var run = new ColdKeyRun(target, commits, Console.Out);
        coldResults.Add(await run.RunAsync());
    }

    Console.WriteLine();
    Console.WriteLine(ColdKeyFigures.MarkdownHeader);
    foreach (var figures in coldResults)
    {
        Console.WriteLine(figures.ToMarkdownRow());
    }

    return 0;
}

if (mode == "coldgrain")
{
    var grainResults = new List<ColdGrainFigures>();
    foreach (var kind in stores)
    {
        await using IBenchTarget target = kind == "embedded" ? new EmbeddedTarget() : await PostgresTarget.StartAsync();
        using var run = new ColdGrainRun(target, commits, Console.Out);
        grainResults.AddRange(await run.RunAsync());
    }

    Console.WriteLine();
    Console.WriteLine(ColdGrainFigures.MarkdownHeader);
    foreach (var figures in grainResults)
    {
        Console.WriteLine(figures.ToMarkdownRow());
    }

    return 0;
}

if (mode == "controlplane")
{
    Console.WriteLine(SyntheticRecords.Description);
    var applyResults = new List<ControlPlaneApplyFigures>();
    foreach (var kind in stores)
    {
        await using IBenchTarget target = kind == "embedded" ? new EmbeddedTarget() : await PostgresTarget.StartAsync();
        using var run = new ControlPlaneApplyRun(target, commits, Console.Out);
        applyResults.AddRange(await run.RunAsync(sizes));
    }

    Console.WriteLine();
    Console.WriteLine(ControlPlaneApplyFigures.MarkdownHeader);
    foreach (var figures in applyResults)
    {
        Console.WriteLine(figures.ToMarkdownRow());
    }

    return 0;
}

if (mode == "feed")
{
    var feedResults = new List<FeedFigures>();
    var certificates = withCertificates ? CertificatePool.Create() : null;
    Console.WriteLine(certificates?.Description ?? "certificates: none (add --certificates for real ones)");
    foreach (var kind in stores)
    {
        await using IBenchTarget target = kind == "embedded" ? new EmbeddedTarget() : await PostgresTarget.StartAsync();
        using var run = new FeedRun(target, commits, Console.Out, certificates);
        feedResults.AddRange(await run.RunAsync(sizes));
    }

    Console.WriteLine();
    Console.WriteLine(FeedFigures.MarkdownHeader);
    foreach (var figures in feedResults)
    {
        Console.WriteLine(figures.ToMarkdownRow());
    }

    return 0;
}
#else
if (mode is "feed" or "cold" or "coldgrain" or "controlplane" || withCertificates)
{
    Console.Error.WriteLine($"--mode {mode}: not in the old-store build");
    return 2;
}
#endif

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
