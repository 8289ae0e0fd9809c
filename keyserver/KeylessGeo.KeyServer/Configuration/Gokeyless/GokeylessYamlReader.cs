using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Reads a gokeyless YAML configuration file into <see cref="GokeylessSettings"/>: every
/// documented setting with its type, the <c>private_key_stores</c> list, and an error (with its
/// line) for anything else — an unknown key, a value of the wrong type, YAML that does not parse.
/// </summary>
internal static class GokeylessYamlReader
{
    /// <summary>Reads <paramref name="path"/>; problems go to <see cref="GokeylessSettings.Errors"/>, never an exception.</summary>
    public static void Read(string path, GokeylessSettings settings)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            settings.Errors.Add($"gokeyless configuration '{path}' cannot be read ({e.Message}).");
            return;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            settings.Errors.Add($"{path} line {e.Start.Line}, column {e.Start.Column}: not valid YAML ({Reason(e)}).");
            return;
        }

        if (stream.Documents.Count == 0 || IsEmpty(stream.Documents[0].RootNode))
        {
            return;
        }

        if (stream.Documents.Count > 1)
        {
            settings.Errors.Add($"{path}: holds {stream.Documents.Count} YAML documents; a gokeyless configuration is one.");
            return;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            settings.Errors.Add($"{path} line {stream.Documents[0].RootNode.Start.Line}: must be a mapping of settings (key: value), got a {NodeKind(stream.Documents[0].RootNode)}.");
            return;
        }

        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var origin = $"{path} line {keyNode.Start.Line}";
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                settings.Errors.Add($"{origin}: a setting's name must be plain text, got a {NodeKind(keyNode)}.");
                continue;
            }

            if (name == GokeylessKeys.PrivateKeyStores)
            {
                ReadStores(valueNode, path, origin, baseDirectory, settings);
            }
            else if (GokeylessKeys.Scalars.TryGetValue(name, out var key))
            {
                ReadScalar(key, valueNode, origin, baseDirectory, settings);
            }
            else
            {
                settings.Errors.Add($"{origin}: unknown setting '{name}'; gokeyless documents {string.Join(", ", GokeylessKeys.Scalars.Keys.Order(StringComparer.Ordinal))} and {GokeylessKeys.PrivateKeyStores} (see docs/MIGRATING.md).");
            }
        }
    }

    private static void ReadScalar(GokeylessKey key, YamlNode node, string origin, string baseDirectory, GokeylessSettings settings)
    {
        if (node is not YamlScalarNode scalar)
        {
            settings.Errors.Add($"{origin}: {key.Name} must be a single value, got a {NodeKind(node)}.");
            return;
        }

        if (IsEmpty(scalar))
        {
            settings.Set(key.Name, null, origin);
            return;
        }

        if (GokeylessScalar.TryRead(key, scalar.Value ?? "", baseDirectory, out var value) is { } problem)
        {
            settings.Errors.Add($"{origin}: {problem}.");
            return;
        }

        settings.Set(key.Name, value, origin);
    }

    private static void ReadStores(YamlNode node, string path, string origin, string baseDirectory, GokeylessSettings settings)
    {
        if (IsEmpty(node))
        {
            settings.SetStores([], origin);
            return;
        }

        if (node is not YamlSequenceNode sequence)
        {
            settings.Errors.Add($"{origin}: {GokeylessKeys.PrivateKeyStores} must be a list of entries such as '- dir: /etc/keyless/keys', got a {NodeKind(node)}.");
            return;
        }

        var stores = new List<GokeylessStore>();
        var index = 0;
        foreach (var item in sequence.Children)
        {
            var itemOrigin = $"{path} line {item.Start.Line}";
            var field = $"{GokeylessKeys.PrivateKeyStores}[{index++}]";
            if (ReadStore(item, itemOrigin, field, baseDirectory, settings.Errors) is { } store)
            {
                stores.Add(store);
            }
        }

        settings.SetStores(stores, origin);
    }

    private static GokeylessStore? ReadStore(YamlNode item, string origin, string field, string baseDirectory, List<string> errors)
    {
        if (item is not YamlMappingNode entry)
        {
            errors.Add($"{origin}: {field} must be a mapping with one of dir, file or uri ('- dir: /etc/keyless/keys'), got a {NodeKind(item)}.");
            return null;
        }

        var found = new List<(string Kind, string Value)>();
        var valid = true;
        foreach (var (keyNode, valueNode) in entry.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!GokeylessKeys.StoreKeys.Contains(name))
            {
                errors.Add($"{origin}: {field} has an unknown key '{name}'; an entry has one of dir, file or uri.");
                valid = false;
            }
            else if (valueNode is not YamlScalarNode scalar)
            {
                errors.Add($"{origin}: {field}.{name} must be a single value, got a {NodeKind(valueNode)}.");
                valid = false;
            }
            else if (!IsEmpty(scalar))
            {
                found.Add((name, scalar.Value!.Trim()));
            }
        }

        if (!valid)
        {
            return null;
        }

        if (found.Count != 1)
        {
            errors.Add($"{origin}: {field} must set exactly one of dir, file or uri, got {(found.Count == 0 ? "none" : string.Join(" and ", found.Select(f => f.Kind)))}.");
            return null;
        }

        var (kind, value) = found[0];
        return new GokeylessStore(kind, kind == "uri" ? value : Path.GetFullPath(value, baseDirectory), origin);
    }

    // "key:" with nothing after it, "~" and "null" are YAML's empty value; a quoted "" is empty text.
    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode scalar &&
        (string.IsNullOrWhiteSpace(scalar.Value) ||
         (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Value is "~" or "null" or "Null" or "NULL"));

    private static string NodeKind(YamlNode node) => node switch
    {
        YamlSequenceNode => "list",
        YamlMappingNode => "mapping",
        _ => "single value",
    };

    // YamlDotNet prefixes its messages with the position, which the caller already gives.
    private static string Reason(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && close > 0 ? message[(close + 3)..] : message;
    }
}
