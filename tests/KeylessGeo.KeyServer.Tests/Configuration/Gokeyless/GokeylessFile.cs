using KeylessGeo.KeyServer.Configuration.Gokeyless;
using Microsoft.Extensions.Configuration;

namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>
/// A gokeyless YAML file in a temporary folder, read through the real configuration source
/// with a given environment (never the test process's).
/// </summary>
public sealed class GokeylessFile : IDisposable
{
    public GokeylessFile()
    {
        Folder = Directory.CreateTempSubdirectory("keylessgeo-gokeyless-").FullName;
        Path = System.IO.Path.Combine(Folder, "gokeyless.yaml");
    }

    /// <summary>The temporary folder holding the file.</summary>
    public string Folder { get; }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>A path in <see cref="Folder"/>.</summary>
    public string In(string name) => System.IO.Path.Combine(Folder, name);

    /// <summary>Writes <paramref name="yaml"/> and reads it (with <paramref name="environment"/>) into a configuration.</summary>
    public Loaded Load(string yaml, IReadOnlyDictionary<string, string>? environment = null, params string[] moreArgs)
    {
        File.WriteAllText(Path, yaml);
        return LoadArgs(["--gokeyless-config", Path, .. moreArgs], environment);
    }

    /// <summary>Reads a configuration from the command line <paramref name="args"/>.</summary>
    public static Loaded LoadArgs(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = new ConfigurationBuilder()
            .AddGokeylessConfiguration(args, environment ?? new Dictionary<string, string>())
            .Build();
        return new Loaded(root, [.. GokeylessConfiguration.Failures(root)], [.. root.Providers.OfType<GokeylessConfigurationProvider>().SelectMany(p => p.Warnings)]);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>The configuration read, its errors and its warnings.</summary>
    public sealed record Loaded(IConfigurationRoot Configuration, IReadOnlyList<string> Failures, IReadOnlyList<string> Warnings)
    {
        public string? this[string key] => Configuration[key];
    }
}
