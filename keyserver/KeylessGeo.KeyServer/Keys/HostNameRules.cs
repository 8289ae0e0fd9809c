namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Which SNI values are host names worth looking up. Anything else (too long, a label over 63
/// characters, empty labels, characters such as '/', '?' or space) is ignored, never an error.
/// </summary>
internal static class HostNameRules
{
    private const int MaxLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>Returns the name without one trailing dot, or an empty span when it is not a valid host name.</summary>
    public static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> name)
    {
        if (name.Length > 1 && name[^1] == '.')
        {
            name = name[..^1];
        }

        if (name.IsEmpty || name.Length > MaxLength)
        {
            return default;
        }

        var labelLength = 0;
        foreach (var c in name)
        {
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    return default;
                }

                labelLength = 0;
                continue;
            }

            if (!IsHostNameChar(c) || ++labelLength > MaxLabelLength)
            {
                return default;
            }
        }

        return labelLength == 0 ? default : name;
    }

    private static bool IsHostNameChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '*' or '_';
}
