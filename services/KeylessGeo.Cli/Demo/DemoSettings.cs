namespace KeylessGeo.Cli.Demo;

/// <summary>What <c>keylessgeo demo</c> was asked to do.</summary>
/// <param name="KeepDirectory">The data directory to use and keep (reused when it holds an earlier run's material); null for a temporary folder removed at exit.</param>
/// <param name="Once">Run the steps, print the summary and exit, instead of keeping the cluster up until Ctrl+C or SIGTERM.</param>
/// <param name="MaterialOnly">Only generate the material.</param>
public sealed record DemoSettings(string? KeepDirectory, bool Once, bool MaterialOnly);
