using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// Native/engine-probe.c, compiled once per test run with gcc against the system's libcrypto, run
/// against the engine library with a bounded duration.
/// </summary>
public static class EngineProbe
{
    private static readonly Lazy<Task<string>> Compiled = new(CompileAsync);

    /// <summary>Runs the probe with <paramref name="arguments"/> (mode first, then the engine and socket are added).</summary>
    public static async Task<ProcessResult> RunAsync(string mode, string socketPath, params string[] arguments)
    {
        var probe = await Compiled.Value;
        return await ExternalProcess.RunAsync(probe, [mode, RepositoryPaths.EngineLibrary, socketPath, .. arguments], TimeSpan.FromMinutes(2));
    }

    private static async Task<string> CompileAsync()
    {
        var directory = Directory.CreateTempSubdirectory("keylessgeo-probe-").FullName;
        var output = Path.Combine(directory, "engine-probe");
        var result = await ExternalProcess.RunAsync(
            "gcc", ["-O1", "-Wall", "-Werror", "-o", output, Path.Combine(AppContext.BaseDirectory, "Native", "engine-probe.c"), "-lcrypto"], TimeSpan.FromMinutes(1));
        result.EnsureSuccess("gcc engine-probe.c");
        return output;
    }
}
