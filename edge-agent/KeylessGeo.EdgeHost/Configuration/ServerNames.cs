using System.Globalization;

namespace KeylessGeo.EdgeHost.Configuration;

/// <summary>Host-name patterns of <see cref="CertificateOptions.Hosts"/>: exact names and one-label wildcards.</summary>
internal static class ServerNames
{
    /// <summary>True for <c>www.example.com</c> and <c>*.example.com</c>; false for anything else.</summary>
    public static bool IsValidPattern(string pattern)
    {
        var name = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[2..] : pattern;
        return name.Length is > 0 and <= 253 && Uri.CheckHostName(name) == UriHostNameType.Dns && !name.Contains('*', StringComparison.Ordinal);
    }

    /// <summary>The wildcard pattern a name falls under (<c>a.example.com</c> → <c>*.example.com</c>), or null.</summary>
    public static string? WildcardOf(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < name.Length - 1 ? string.Concat("*", name.AsSpan(dot)) : null;
    }

    /// <summary>The name in the form patterns are compared in (lower case, no trailing dot).</summary>
    public static string Normalize(string name) => name.TrimEnd('.').ToLower(CultureInfo.InvariantCulture);
}
