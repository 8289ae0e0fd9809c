namespace KeylessGeo.Deployment.Tests.Infrastructure;

/// <summary>Files of the repository this test was built from (found by walking up to KeylessGeo.sln).</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository's root folder.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The full path of <paramref name="relative"/> (forward slashes, from the root).</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.TrimStart('.', '/').Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The text of <paramref name="relative"/>.</summary>
    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KeylessGeo.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"KeylessGeo.sln not found above {AppContext.BaseDirectory}.");
    }
}
