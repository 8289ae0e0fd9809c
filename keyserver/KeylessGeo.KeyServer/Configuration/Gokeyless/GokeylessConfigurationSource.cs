using Microsoft.Extensions.Configuration;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>A gokeyless YAML configuration file (and its <c>KEYLESS_</c> environment variables) as a configuration source.</summary>
internal sealed class GokeylessConfigurationSource : IConfigurationSource
{
    /// <summary>The YAML file; null when the command line named none properly (see <see cref="ArgumentErrors"/>).</summary>
    public string? Path { get; init; }

    /// <summary>The environment read for <c>KEYLESS_</c> variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The name reported as <c>KeyServer:Id</c> when the file has no <c>hostname</c>.</summary>
    public string MachineName { get; init; } = System.Environment.MachineName;

    /// <summary>Problems with the command line, reported with the file's.</summary>
    public IReadOnlyList<string> ArgumentErrors { get; init; } = [];

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new GokeylessConfigurationProvider(this);
}
