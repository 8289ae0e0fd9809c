using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Adds a gokeyless configuration file named on the command line (see
/// <see cref="GokeylessArguments"/>) as a configuration source, and reads back what it found.
/// Added before this keyserver's own JSON file, environment variables and flags, so each of
/// them overrides the gokeyless settings.
/// </summary>
internal static class GokeylessConfiguration
{
    /// <summary>
    /// Adds the gokeyless source when <paramref name="args"/> names a file (or misuses the
    /// flag); otherwise leaves <paramref name="builder"/> as it is. <paramref name="environment"/>
    /// defaults to the process's environment.
    /// </summary>
    public static IConfigurationBuilder AddGokeylessConfiguration(
        this IConfigurationBuilder builder, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (path, errors) = GokeylessArguments.Find(args);
        if (path is null && errors.Count == 0)
        {
            return builder;
        }

        return builder.Add(new GokeylessConfigurationSource
        {
            Path = path,
            Environment = environment ?? ProcessEnvironment(),
            ArgumentErrors = errors,
        });
    }

    /// <summary>The gokeyless configuration errors, empty without a gokeyless file.</summary>
    public static IEnumerable<string> Failures(IConfiguration configuration) =>
        Providers(configuration).SelectMany(provider => provider.Failures);

    /// <summary>Logs what the gokeyless file mapped to and each setting it has that is not used.</summary>
    public static void LogStartup(IConfiguration configuration, ILogger logger)
    {
        foreach (var provider in Providers(configuration))
        {
            GokeylessLog.Read(logger, provider.FilePath ?? "", provider.Stores.Directories, provider.Stores.Pkcs11Uris);
            foreach (var warning in provider.Warnings)
            {
                GokeylessLog.SettingNotUsed(logger, warning);
            }
        }
    }

    private static IEnumerable<GokeylessConfigurationProvider> Providers(IConfiguration configuration) =>
        configuration is IConfigurationRoot root ? root.Providers.OfType<GokeylessConfigurationProvider>() : [];

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(GokeylessKeys.EnvironmentPrefix, StringComparison.Ordinal) && entry.Value is string value)
            {
                environment[name] = value;
            }
        }

        return environment;
    }
}
