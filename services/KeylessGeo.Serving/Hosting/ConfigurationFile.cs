namespace KeylessGeo.Serving.Hosting;

/// <summary>
/// The JSON settings file named by <c>--config PATH</c> (or <c>--config=PATH</c>): found, read and
/// parsed at start-up, every problem (missing, unreadable, not JSON) a start-up failure naming the
/// file, never an exception out of the program.
/// </summary>
public static class ConfigurationFile
{
    /// <summary>The flag that names the file.</summary>
    public const string Flag = "--config";

    /// <summary>
    /// Adds the file <paramref name="args"/> name, if any, to <paramref name="configuration"/>;
    /// returns its full path, or null when none is named or it cannot be used (a failure says why).
    /// </summary>
    public static string? AddFromArguments(IConfigurationBuilder configuration, string[] args, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (Find(args, failures) is not { } path)
        {
            return null;
        }

        // Parsed on its own first: a file that fails to load must not be left half-added to the
        // program's configuration.
        try
        {
            new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            var reason = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            failures.Add($"{Flag} '{path}': the file cannot be read as JSON settings ({reason})");
            return null;
        }

        configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        return path;
    }

    /// <summary>The full path of the named file, or null when none is named (or it is missing: then a failure says so).</summary>
    public static string? Find(string[] args, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(failures);
        for (var i = 0; i < args.Length; i++)
        {
            var path = args[i] == Flag ? (i + 1 < args.Length ? args[i + 1] : "") : args[i].StartsWith(Flag + "=", StringComparison.Ordinal) ? args[i][(Flag.Length + 1)..] : null;
            if (path is null)
            {
                continue;
            }

            if (path.Length == 0 || !File.Exists(path))
            {
                failures.Add(path.Length == 0 ? $"{Flag} needs a file path." : $"{Flag} '{path}': the file does not exist.");
                return null;
            }

            return Path.GetFullPath(path);
        }

        return null;
    }
}
