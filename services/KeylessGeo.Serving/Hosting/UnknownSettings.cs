namespace KeylessGeo.Serving.Hosting;

/// <summary>
/// Finds settings no part of the program reads: a section name that is misspelt
/// (<c>Listne:Port</c>) would otherwise be ignored in silence. Only the operator's own sources are
/// checked (the settings file, the program's prefixed environment variables, the command line),
/// not the host's (<c>DOTNET_</c>/<c>ASPNETCORE_</c> variables).
/// </summary>
public static class UnknownSettings
{
    /// <summary>Sections every program accepts: the host's logging settings.</summary>
    public static readonly IReadOnlyList<string> HostSections = ["Logging"];

    /// <summary>
    /// The environment prefixes of the family's programs. A keyserver (prefix <c>KEYLESSGEO_</c>)
    /// and an edge agent (<c>KEYLESSGEO_AGENT_</c>) often share one environment (a host, a pod);
    /// the agent's variables are not the keyserver's mistakes, so a program skips the variables
    /// that belong to a longer prefix of the family.
    /// </summary>
    public static readonly IReadOnlyList<string> FamilyPrefixes =
        ["KEYLESSGEO_", "KEYLESSGEO_AGENT_", "KEYLESSGEO_EDGEHOST_", "KEYLESSGEO_ENGINE_"];

    /// <summary>
    /// Adds a failure for each top-level setting of the operator's sources that is not in
    /// <paramref name="known"/> (compared ignoring case, as configuration keys are): from
    /// <paramref name="file"/> and <paramref name="args"/> every key, from the environment variables
    /// with <paramref name="environmentPrefix"/> only sections (<c>PREFIX_Section__Key</c>), since a
    /// plain <c>PREFIX_NAME</c> variable may be one a setting refers to (a PIN, by name).
    /// </summary>
    public static void Check(string? file, string environmentPrefix, string[] args, IEnumerable<string> known, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(failures);
        var sections = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
        sections.UnionWith(HostSections);
        var environment = EnvironmentSections(environmentPrefix, Environment.GetEnvironmentVariables());
        foreach (var child in FileAndArguments(file, args).GetChildren().Concat(environment))
        {
            if (!sections.Contains(child.Key))
            {
                var example = child.Value is null ? child.GetChildren().Select(c => $"{child.Key}:{c.Key}").FirstOrDefault() ?? child.Key : child.Key;
                failures.Add($"'{example}' is not a setting of this program: the known sections are {string.Join(", ", sections.Order(StringComparer.Ordinal))}.");
            }
        }
    }

    /// <summary>
    /// The sections (<c>PREFIX_Section__Key</c>) that <paramref name="variables"/> give a program
    /// whose prefix is <paramref name="environmentPrefix"/>, without those of another program of the
    /// family whose prefix is longer (<see cref="FamilyPrefixes"/>).
    /// </summary>
    public static IEnumerable<IConfigurationSection> EnvironmentSections(string environmentPrefix, System.Collections.IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(environmentPrefix);
        ArgumentNullException.ThrowIfNull(variables);
        var others = FamilyPrefixes
            .Where(p => p.Length > environmentPrefix.Length && p.StartsWith(environmentPrefix, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        var own = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in variables)
        {
            if (entry.Key is string name
                && name.StartsWith(environmentPrefix, StringComparison.OrdinalIgnoreCase)
                && !others.Any(o => name.StartsWith(o, StringComparison.OrdinalIgnoreCase)))
            {
                // The environment provider's own spelling: "__" separates sections.
                own[name[environmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = entry.Value as string;
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(own).Build().GetChildren().Where(c => c.Value is null);
    }

    private static IConfiguration FileAndArguments(string? file, string[] args)
    {
        if (file is not null)
        {
            try
            {
                return new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false).AddCommandLine(args).Build();
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
            {
                // Reported by ConfigurationFile; check the arguments.
            }
        }

        return new ConfigurationBuilder().AddCommandLine(args).Build();
    }
}
