using Microsoft.Extensions.Configuration;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Supplies the settings a gokeyless configuration maps to. Loading never throws: problems are
/// kept in <see cref="Failures"/> and reported with every other configuration error at start-up.
/// </summary>
internal sealed class GokeylessConfigurationProvider : ConfigurationProvider
{
    private readonly GokeylessConfigurationSource _source;

    public GokeylessConfigurationProvider(GokeylessConfigurationSource source) => _source = source;

    /// <summary>The file, as given on the command line.</summary>
    public string? FilePath => _source.Path;

    /// <summary>Configuration errors (unknown settings, wrong types, unsupported stores …), empty when there are none.</summary>
    public IReadOnlyList<string> Failures { get; private set; } = [];

    /// <summary>Settings accepted but not acted on, to log at start-up.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>How many key folders and PKCS#11 URIs the configuration names.</summary>
    public (int Directories, int Pkcs11Uris) Stores { get; private set; }

    /// <inheritdoc />
    public override void Load()
    {
        var settings = new GokeylessSettings();
        settings.Errors.AddRange(_source.ArgumentErrors);
        if (_source.Path is { } path)
        {
            GokeylessYamlReader.Read(path, settings);
        }

        GokeylessEnvironment.Read(_source.Environment, settings);
        var baseDirectory = _source.Path is { } file
            ? System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)) ?? Directory.GetCurrentDirectory()
            : Directory.GetCurrentDirectory();
        var mapping = GokeylessMapper.Map(settings, baseDirectory, _source.MachineName);
        Data = new Dictionary<string, string?>(mapping.Data, StringComparer.OrdinalIgnoreCase);
        Failures = settings.Errors;
        Warnings = mapping.Warnings;
        Stores = mapping.Stores;
    }
}
