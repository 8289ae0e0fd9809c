namespace KeylessGeo.KeyServer.Configuration;

/// <summary>
/// The start-up checks of the key folders (<see cref="KeyServerOptions.KeysDirectory"/> and
/// <see cref="KeyServerOptions.KeysDirectories"/>): at least one, each an existing folder, none
/// named twice.
/// </summary>
internal static class KeyDirectoryRules
{
    private const string Single = KeyServerOptions.SectionName + ":KeysDirectory";
    private const string List = KeyServerOptions.SectionName + ":KeysDirectories";

    /// <summary>Adds one message per problem to <paramref name="errors"/>, each naming the key and the value.</summary>
    public static void Validate(List<string> errors, KeyServerOptions options)
    {
        var list = options.KeysDirectories ?? [];
        if (string.IsNullOrWhiteSpace(options.KeysDirectory) && list.Count == 0)
        {
            if (options.Pkcs11.Uris.Count > 0)
            {
                return; // keys from tokens only
            }

            errors.Add($"{Single} (or {List}, or {KeyServerOptions.SectionName}:Pkcs11:Uris) is required, got '{options.KeysDirectory}'.");
            return;
        }

        // Compared by full path without a trailing separator, so "/keys" and "/keys/" are one folder.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(options.KeysDirectory))
        {
            Check(errors, seen, Single, options.KeysDirectory);
        }

        for (var i = 0; i < list.Count; i++)
        {
            var field = $"{List}:{i}";
            if (string.IsNullOrWhiteSpace(list[i]))
            {
                errors.Add($"{field} is empty; remove it or name a folder.");
                continue;
            }

            Check(errors, seen, field, list[i]);
        }
    }

    /// <summary><paramref name="directory"/> as a full path without a trailing separator.</summary>
    public static string Normalize(string directory) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));

    private static void Check(List<string> errors, Dictionary<string, string> seen, string field, string directory)
    {
        if (!Directory.Exists(directory))
        {
            errors.Add($"{field} '{directory}' does not exist or is not a directory.");
        }

        string normalized;
        try
        {
            normalized = Normalize(directory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            errors.Add($"{field} '{directory}' is not a valid path ({e.Message}).");
            return;
        }

        if (!seen.TryAdd(normalized, field))
        {
            errors.Add($"{field} '{directory}' is the same folder as {seen[normalized]}; name each key folder once.");
        }
    }
}
