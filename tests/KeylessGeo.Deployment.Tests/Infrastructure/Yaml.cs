using YamlDotNet.RepresentationModel;

namespace KeylessGeo.Deployment.Tests.Infrastructure;

/// <summary>Reading YAML documents (docker-compose.yml, the chart) as plain nodes.</summary>
internal static class Yaml
{
    /// <summary>Every document of <paramref name="text"/>, as mappings (empty documents skipped).</summary>
    public static IReadOnlyList<YamlMappingNode> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    /// <summary>The child <paramref name="key"/> of a mapping, or null.</summary>
    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    /// <summary>The mapping at <paramref name="path"/> (keys separated by '/'), or an empty one.</summary>
    public static YamlMappingNode Map(this YamlNode? node, string path = "") =>
        At(node, path) as YamlMappingNode ?? new YamlMappingNode();

    /// <summary>The sequence at <paramref name="path"/>, or an empty one.</summary>
    public static IReadOnlyList<YamlNode> Seq(this YamlNode? node, string path = "") =>
        At(node, path) is YamlSequenceNode sequence ? [.. sequence.Children] : [];

    /// <summary>The scalar's text at <paramref name="path"/>, or null.</summary>
    public static string? Text(this YamlNode? node, string path = "") => (At(node, path) as YamlScalarNode)?.Value;

    /// <summary>A mapping's entries as (key, node).</summary>
    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode? node) =>
        node is YamlMappingNode mapping ? mapping.Children.Select(c => (((YamlScalarNode)c.Key).Value ?? "", c.Value)) : [];

    /// <summary>A sequence of scalars, or one scalar split on spaces (compose's two forms of a command).</summary>
    public static IReadOnlyList<string> Words(this YamlNode? node) => node switch
    {
        YamlSequenceNode sequence => [.. sequence.Children.Select(c => c.Text() ?? "")],
        YamlScalarNode scalar => scalar.Value?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
        _ => [],
    };

    private static YamlNode? At(YamlNode? node, string path)
    {
        foreach (var key in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node.Get(key);
        }

        return node;
    }
}
