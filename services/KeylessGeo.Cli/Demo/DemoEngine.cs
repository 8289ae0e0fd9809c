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

    /// <summary>The engine's place in a repository, as scripts/build-engine.sh writes it.</summary>
    public static readonly string RepositoryPath = Path.Combine(".artifacts", "engine", "keylessgeo.so");

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
