namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Finds the gokeyless configuration file on the command line: <c>--gokeyless-config FILE</c>,
/// or gokeyless's own spelling <c>--config-file FILE</c> (either also as <c>--flag=FILE</c>).
/// With one given, gokeyless's other flags (<c>--port</c>, <c>--private-key-dirs</c> …) are
/// errors, because this keyserver does not read them and ignoring them would go unnoticed.
/// </summary>
internal static class GokeylessArguments
{
    /// <summary>This keyserver's flag.</summary>
    public const string Flag = "--gokeyless-config";

    /// <summary>gokeyless's flag for the same file.</summary>
    public const string GokeylessFlag = "--config-file";

    /// <summary>The file named (null for none) and the problems with the command line.</summary>
    public static (string? Path, IReadOnlyList<string> Errors) Find(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? path = null;
        var errors = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (flag, value) = Split(args[i]);
            if (flag is not (Flag or GokeylessFlag))
            {
                continue;
            }

            if (value is null)
            {
                value = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{flag} needs the path of a gokeyless configuration file.");
            }
            else if (path is not null)
            {
                errors.Add($"{flag} '{value}': a gokeyless configuration file is already named ('{path}'); give one.");
            }
            else
            {
                path = value;
            }
        }

        if (path is not null)
        {
            foreach (var arg in args)
            {
                var (flag, _) = Split(arg);
                if (flag.StartsWith('-') && GokeylessKeys.Flags.Contains(flag.TrimStart('-').Replace('-', '_')))
                {
                    errors.Add($"{flag} is a gokeyless flag, which this keyserver does not read; set it in the gokeyless file or its KEYLESS_ environment variable instead (see docs/MIGRATING.md).");
                }
            }
        }

        return (path, errors);
    }

    private static (string Flag, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
