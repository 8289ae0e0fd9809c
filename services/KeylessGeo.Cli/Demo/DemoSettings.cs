namespace KeylessGeo.Cli.Demo;

/// <summary>What <c>keylessgeo demo</c> was asked to do.</summary>
/// <param name="KeepDirectory">Where to write and keep the material; null for a temporary folder.</param>
/// <param name="Serve">Keep the keyserver running after the signatures.</param>
/// <param name="MaterialOnly">Only generate the material.</param>
public sealed record DemoSettings(string? KeepDirectory, bool Serve, bool MaterialOnly);
