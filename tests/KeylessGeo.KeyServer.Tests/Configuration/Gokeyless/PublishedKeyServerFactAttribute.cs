namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>
/// A test of the published single-file keyserver: runs only when
/// <c>KEYLESSGEO_PUBLISHED_KEYSERVER</c> names an executable (built by <c>scripts/publish.sh</c>),
/// and is skipped otherwise, as in CI, where publishing would take most of the run.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PublishedKeyServerFactAttribute : FactAttribute
{
    /// <summary>The environment variable naming the executable.</summary>
    public const string Variable = "KEYLESSGEO_PUBLISHED_KEYSERVER";

    public PublishedKeyServerFactAttribute()
    {
        if (Executable is null)
        {
            Skip = $"{Variable} does not name an executable; run scripts/publish.sh and set it to dist/keylessgeo-keyserver-linux-x64/bin/keylessgeo-keyserver.";
        }
    }

    /// <summary>The published executable, or null when none is named or it does not exist.</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path && File.Exists(path) ? Path.GetFullPath(path) : null;
}
