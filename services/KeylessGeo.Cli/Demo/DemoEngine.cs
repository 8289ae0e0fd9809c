namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Where the demo finds the keylessgeo OpenSSL engine (edge-agent/KeylessGeo.OpenSslEngine, built
/// by <c>scripts/build-engine.sh</c>) that its edge hosts load: <c>KEYLESSGEO_DEMO_ENGINE</c> when
/// set (<c>off</c>: no edge hosts; scripts/demo.sh sets it when the engine cannot be built), else <c>.artifacts/engine/keylessgeo.so</c> in the first folder above the CLI that has one
/// (the repository the CLI was built in).
/// </summary>
public static class DemoEngine
{
    /// <summary>The environment variable naming the engine's shared library.</summary>
    public const string Variable = "KEYLESSGEO_DEMO_ENGINE";

    /// <summary>
    /// The environment variable naming the status file of an engine build still running
    /// (scripts/demo.sh starts the build and the demo at once): the build writes its exit code
    /// there when it ends, and the engine is then in <c>engine/keylessgeo.so</c> beside it.
    /// </summary>
    public const string BuildVariable = "KEYLESSGEO_DEMO_ENGINE_BUILD";

    private static readonly TimeSpan BuildPatience = TimeSpan.FromMinutes(10);

    /// <summary>The engine's place in a repository, as scripts/build-engine.sh writes it.</summary>
    public static readonly string RepositoryPath = Path.Combine(".artifacts", "engine", "keylessgeo.so");

    /// <summary>The status file of an engine build started with the demo (<see cref="BuildVariable"/>), or null.</summary>
    public static string? PendingBuild() =>
        Environment.GetEnvironmentVariable(BuildVariable) is { Length: > 0 } status ? Path.GetFullPath(status) : null;

    /// <summary>
    /// Waits until the build that writes <paramref name="status"/> ends; the engine's path when it
    /// succeeded, else null with the reason.
    /// </summary>
    public static async Task<(string? Engine, string Why)> WaitForBuildAsync(string status, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BuildPatience);
        var folder = Path.GetDirectoryName(status)!;
        var log = Path.Combine(folder, "build-engine.log");
        try
        {
            while (!File.Exists(status))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"the OpenSSL engine's build did not end within {BuildPatience.TotalMinutes:F0} minutes (its output: {log})");
        }

        var code = (await File.ReadAllTextAsync(status, cancellationToken)).Trim();
        var engine = Path.Combine(folder, "engine", "keylessgeo.so");
        return code == "0" && File.Exists(engine)
            ? (engine, "")
            : (null, $"the OpenSSL engine did not build (exit {code}; its output: {log})");
    }

    /// <summary>The engine's full path, or null with <paramref name="why"/> saying what is missing.</summary>
    public static string? Find(out string why)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named)
        {
            if (named == "off")
            {
                why = $"{Variable}=off (scripts/demo.sh said why above)";
                return null;
            }

            why = $"{Variable} names {named}, which does not exist";
            return File.Exists(named) ? Path.GetFullPath(named) : null;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, RepositoryPath);
            if (File.Exists(candidate))
            {
                why = "";
                return candidate;
            }
        }

        why = $"the OpenSSL engine is not built ({RepositoryPath} not found above {AppContext.BaseDirectory}; run scripts/build-engine.sh, or set {Variable})";
        return null;
    }
}
