using System.Globalization;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Reads the text of one gokeyless setting as its type, the way gokeyless's configuration
/// library does for both the file and the environment (a quoted <c>"2407"</c> is a number too).
/// </summary>
internal static class GokeylessScalar
{
    /// <summary>
    /// Reads <paramref name="text"/> as <paramref name="key"/>'s type. Returns null and sets
    /// <paramref name="value"/> (null for an empty setting) on success, or the problem.
    /// </summary>
    public static string? TryRead(GokeylessKey key, string text, string baseDirectory, out object? value)
    {
        value = null;
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        var shown = key.Secret ? "" : $", got '{trimmed}'";
        switch (key.Kind)
        {
            case GokeylessValueKind.Text:
                value = trimmed;
                return null;
            case GokeylessValueKind.Path:
                try
                {
                    value = Path.GetFullPath(trimmed, baseDirectory);
                    return null;
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
                {
                    return $"{key.Name} must be a file path{shown}";
                }

            case GokeylessValueKind.Integer:
                if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    value = integer;
                    return null;
                }

                return $"{key.Name} must be a whole number{shown}";
            case GokeylessValueKind.Number:
                if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                {
                    value = number;
                    return null;
                }

                return $"{key.Name} must be a number{shown}";
            case GokeylessValueKind.Boolean:
                if (TryReadBoolean(trimmed) is { } flag)
                {
                    value = flag;
                    return null;
                }

                return $"{key.Name} must be true or false{shown}";
            default:
                throw new ArgumentOutOfRangeException(nameof(key), key.Kind, "unknown value kind");
        }
    }

    // YAML 1.1 spellings (gokeyless's YAML library) and Go's ParseBool spellings (its environment).
    private static bool? TryReadBoolean(string text) => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "y" or "on" or "1" or "t" => true,
        "false" or "no" or "n" or "off" or "0" or "f" => false,
        _ => null,
    };
}
