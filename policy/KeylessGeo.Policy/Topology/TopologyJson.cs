using System.Collections.Immutable;
using System.Text.Json;

namespace KeylessGeo.Policy.Topology;

/// <summary>
/// Loads a <see cref="DatacenterTopology"/> from JSON of the form
/// <c>{"datacenters":[{"id":"fra1","region":"EU","country":"DE","tier":"standard","labels":["pci"]}]}</c>.
/// </summary>
/// <remarks>
/// Every problem is collected — JSON shape (missing or mistyped fields, unknown fields) and
/// then the <see cref="TopologyValidator"/> rules — and reported together in one
/// <see cref="TopologyException"/>.
/// </remarks>
public static class TopologyJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly string[] KnownFields = ["id", "region", "country", "tier", "labels"];

    /// <summary>Parses and validates a topology from JSON text.</summary>
    /// <exception cref="TopologyException">The JSON is malformed or describes an invalid topology.</exception>
    public static DatacenterTopology Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            return FromDocument(document);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    /// <summary>Parses and validates a topology from a UTF-8 JSON stream.</summary>
    /// <exception cref="TopologyException">The JSON is malformed or describes an invalid topology.</exception>
    public static DatacenterTopology Load(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        try
        {
            using var document = JsonDocument.Parse(utf8Json, DocumentOptions);
            return FromDocument(document);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    private static TopologyException Malformed(JsonException ex) =>
        new([new TopologyError("(document)", "(json)", null,
            $"malformed JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}")]);

    private static DatacenterTopology FromDocument(JsonDocument document)
    {
        var errors = new List<TopologyError>();
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("datacenters", out var array)
            || array.ValueKind != JsonValueKind.Array)
        {
            throw new TopologyException([new("(document)", "datacenters", null,
                "expected an object with a 'datacenters' array")]);
        }

        var datacenters = new List<Datacenter>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var dc = ReadDatacenter(element, index++, errors);
            if (dc is not null)
            {
                datacenters.Add(dc);
            }
        }

        // Fields already reported as missing or mistyped are not reported again by the validator.
        var reported = errors.Select(e => (e.Datacenter, e.Field)).ToHashSet();
        errors.AddRange(TopologyValidator.Validate(datacenters).Where(e => !reported.Contains((e.Datacenter, e.Field))));
        if (errors.Count > 0)
        {
            throw new TopologyException(errors);
        }

        return DatacenterTopology.Create(datacenters);
    }

    private static Datacenter? ReadDatacenter(JsonElement element, int index, List<TopologyError> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new($"#{index}", "(datacenter)", element.ValueKind.ToString(), "expected a JSON object"));
            return null;
        }

        var id = ReadString(element, "id", null, index, errors);
        var name = string.IsNullOrEmpty(id) ? $"#{index}" : id;
        var region = ReadString(element, "region", name, index, errors);
        var country = ReadString(element, "country", name, index, errors);
        var tier = ReadString(element, "tier", name, index, errors);
        var labels = ReadLabels(element, name, errors);
        foreach (var property in element.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new(name, property.Name, null,
                    $"unknown field '{property.Name}': expected one of {string.Join(", ", KnownFields)}"));
            }
        }

        // Missing fields are already reported; placeholders let the validator check the rest.
        return new Datacenter
        {
            Id = id ?? "",
            Region = region ?? "",
            Country = country ?? "",
            Tier = tier ?? "",
            Labels = labels ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal),
        };
    }

    private static string? ReadString(JsonElement element, string field, string? name, int index, List<TopologyError> errors)
    {
        name ??= $"#{index}";
        if (!element.TryGetProperty(field, out var value))
        {
            errors.Add(new(name, field, null, $"missing required field '{field}'"));
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new(name, field, value.GetRawText(), $"'{field}' must be a string, not {value.ValueKind}"));
            return null;
        }

        return value.GetString();
    }

    private static ImmutableSortedSet<string>? ReadLabels(JsonElement element, string name, List<TopologyError> errors)
    {
        var labels = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        if (!element.TryGetProperty("labels", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return labels.ToImmutable();
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(name, "labels", value.GetRawText(), "'labels' must be an array of strings"));
            return null;
        }

        var ok = true;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add(new(name, "labels", item.GetRawText(), "each label must be a string"));
                ok = false;
            }
            else if (!labels.Add(item.GetString()!))
            {
                errors.Add(new(name, "labels", item.GetString(), $"duplicate label '{item.GetString()}'"));
            }
        }

        return ok ? labels.ToImmutable() : null;
    }
}
