using System.Collections;
using System.Reflection;

namespace KeylessGeo.Deployment.Tests.Infrastructure;

/// <summary>
/// Every setting path an options type accepts, read from its properties the way the
/// configuration binder sees them: <c>Section:Property:Nested</c> for nested options, <c>:*</c> for
/// an element of a list (<c>Cluster:AdvertisedEndpoints:*</c>, <c>ControlPlane:Access:Grants:*:Roles:*</c>).
/// </summary>
internal static class SettingPaths
{
    /// <summary>The paths of <paramref name="type"/> bound at <paramref name="section"/>.</summary>
    public static IEnumerable<string> Of(Type type, string section)
    {
        ArgumentNullException.ThrowIfNull(type);
        var paths = new List<string>();
        Add(type, section, paths, depth: 0);
        return paths;
    }

    /// <summary>
    /// <paramref name="key"/> (a configuration key or an environment variable's name after its
    /// prefix, <c>__</c> already replaced) with list indexes written as <c>*</c>.
    /// </summary>
    public static string Normalize(string key) =>
        string.Join(':', key.Split(':').Select(segment => segment.All(char.IsAsciiDigit) || segment == ChartTemplates.Placeholder ? "*" : segment));

    /// <summary>
    /// Whether <paramref name="key"/> (normalized) is one of <paramref name="paths"/>, ignoring case as
    /// configuration does; a <c>*</c> of a dictionary's path (<c>Engine:Commands:*</c>) takes any key.
    /// </summary>
    public static bool Accepts(IReadOnlySet<string> paths, string key)
    {
        var normalized = Normalize(key);
        if (paths.Contains(normalized))
        {
            return true;
        }

        var segments = normalized.Split(':');
        return paths.Any(path => path.Split(':') is var pattern && pattern.Length == segments.Length
            && pattern.Zip(segments).All(pair => pair.First == "*" || string.Equals(pair.First, pair.Second, StringComparison.OrdinalIgnoreCase)));
    }

    private static void Walk(Type type, string prefix, List<string> paths, int depth)
    {
        if (depth > 8)
        {
            throw new InvalidOperationException($"{prefix}: options nested too deep (a cycle?).");
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The binder sets public setters (init included) and fills get-only mutable collections.
            var settable = property.SetMethod is { IsPublic: true };
            if (!settable && !IsMutableCollection(property.PropertyType))
            {
                continue;
            }

            var path = $"{prefix}:{property.Name}";
            Add(property.PropertyType, path, paths, depth);
        }
    }

    private static void Add(Type type, string path, List<string> paths, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(underlying))
        {
            paths.Add(path);
        }
        else if (DictionaryValueType(underlying) is { } value)
        {
            Add(value, path + ":*", paths, depth + 1);
        }
        else if (ElementType(underlying) is { } element)
        {
            Add(element, path + ":*", paths, depth + 1);
        }
        else
        {
            Walk(underlying, path, paths, depth + 1);
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var element] ? element : null;
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)))
            ? value : null;

    private static bool IsMutableCollection(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition && (definition == typeof(List<>) || definition == typeof(Dictionary<,>));
}
