namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>Where the engine library and the deploy examples are, from the test's output folder.</summary>
public static class RepositoryPaths
{
    /// <summary>The environment variable naming a prebuilt engine library instead of the default.</summary>
    public const string EngineVariable = "KEYLESSGEO_ENGINE_LIBRARY";

    /// <summary>The repository root (the folder holding KeylessGeo.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The engine library scripts/build-engine.sh publishes; the test fails with a clear message when it is missing.</summary>
    public static string EngineLibrary
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(EngineVariable) is { Length: > 0 } configured
                ? configured
                : Path.Combine(Root, ".artifacts", "engine", "keylessgeo.so");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"The engine library {path} does not exist: run scripts/build-engine.sh first (scripts/test.sh does).");
        }
    }

    /// <summary>A file of deploy/nginx/.</summary>
    public static string NginxExample(string name) => Path.Combine(Root, "deploy", "nginx", name);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KeylessGeo.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No KeylessGeo.sln above {AppContext.BaseDirectory}.");
    }
}
