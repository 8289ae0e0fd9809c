using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// Host names a key serves (SNI lookup): DNS names of letters, digits, <c>-</c> and <c>_</c>,
/// labels of 1–63 characters, at most 253 characters, optionally <c>*.</c> first; stored lower
/// case without a trailing dot.
/// </summary>
internal static class HostNameRules
{
    private const int MaxLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>Normalizes every name; a 400 listing every invalid one.</summary>
    public static ImmutableArray<string> Normalize(IEnumerable<string>? names, string field = "hostNames")
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        var errors = new List<FieldError>();
        var index = 0;
        foreach (var name in names ?? [])
        {
            if (TryNormalize(name, out var normalized))
            {
                result.Add(normalized);
            }
            else
            {
                errors.Add(new FieldError($"{field}[{index}]", $"'{Ids.Printable(name ?? "")}' is not a host name (letters, digits, '-' and '_' in dot-separated labels of 1–63 characters, at most 253 characters, optionally starting with '*.')"));
            }

            index++;
        }

        if (errors.Count > 0)
        {
            throw new ControlPlaneException(ErrorKind.Syntax, ErrorCodes.InvalidHostName, $"{errors.Count} invalid host name(s)", errors);
        }

        return [.. result];
    }

    /// <summary>Names from a certificate: kept when valid, skipped otherwise (a certificate may carry odd names).</summary>
    public static IEnumerable<string> Valid(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (TryNormalize(name, out var normalized))
            {
                yield return normalized;
            }
        }
    }

    private static bool TryNormalize(string? name, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var text = name.EndsWith('.') ? name[..^1] : name;
        if (text.Length is 0 or > MaxLength)
        {
            return false;
        }

        var labels = text.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            var wildcard = i == 0 && label == "*" && labels.Length > 1;
            if (!wildcard && (label.Length is 0 or > MaxLabelLength || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                return false;
            }
        }

        normalized = text.ToLowerInvariant();
        return true;
    }
}
