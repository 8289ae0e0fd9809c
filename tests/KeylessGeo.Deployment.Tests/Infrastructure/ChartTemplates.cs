using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace KeylessGeo.Deployment.Tests.Infrastructure;

/// <summary>
/// The chart's templates read without Helm: every <c>{{ … }}</c> action is blanked — a line that
/// holds only actions (<c>range</c>, <c>if</c>, <c>end</c>) is dropped, an action inside a value
/// becomes <see cref="Placeholder"/> — and what remains is parsed as YAML. A <c>range</c> body thus
/// appears once, and both sides of an <c>if</c> appear: every resource, name, port, path and key
/// written literally in a template is checked; values that come from values.yaml are checked
/// through the <c>.Values</c> references instead.
/// </summary>
internal static partial class ChartTemplates
{
    /// <summary>What a blanked action reads as.</summary>
    public const string Placeholder = "TEMPLATED";

    /// <summary>The chart's folder, relative to the repository root.</summary>
    public const string Chart = "charts/keylessgeo";

    /// <summary>Each template file's name and raw text.</summary>
    public static IReadOnlyList<(string Name, string Text)> Raw() =>
        [.. Directory.GetFiles(RepositoryFiles.PathOf(Chart + "/templates"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(file => (Path.GetFileName(file), File.ReadAllText(file)))];

    /// <summary>Every resource of every template, blanked and parsed.</summary>
    public static IReadOnlyList<YamlMappingNode> Resources() => [.. Raw().SelectMany(t => Yaml.Documents(Blank(t.Text)))];

    /// <summary>Blanks the template actions of <paramref name="template"/>.</summary>
    public static string Blank(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var lines = template.Split('\n')
            .Where(line => !OnlyActions().IsMatch(line))
            .Select(line => Action().Replace(line, Placeholder));
        return string.Join('\n', lines);
    }

    /// <summary>Every <c>.Values.a.b</c> path the templates read.</summary>
    public static IEnumerable<string> ValuesReferences() =>
        Raw().SelectMany(t => ValuesReference().Matches(t.Text).Select(m => m.Groups["path"].Value)).Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"^\s*(\{\{-?.*?-?\}\}\s*)+\r?$", RegexOptions.CultureInvariant)]
    private static partial Regex OnlyActions();

    [GeneratedRegex(@"\{\{-?.*?-?\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Action();

    [GeneratedRegex(@"\.Values\.(?<path>[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)", RegexOptions.CultureInvariant)]
    private static partial Regex ValuesReference();
}
