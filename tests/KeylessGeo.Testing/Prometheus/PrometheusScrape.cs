using System.Globalization;
using System.Text;

namespace KeylessGeo.Testing.Prometheus;

/// <summary>
/// A parsed Prometheus text exposition (format 0.0.4 and OpenMetrics text): every sample, with
/// look-ups that sum the samples of a name whose labels include the given ones.
/// </summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(string text, IReadOnlyList<PrometheusSample> samples)
    {
        Text = text;
        Samples = samples;
    }

    /// <summary>The exposition as received.</summary>
    public string Text { get; }

    /// <summary>Every sample, in order.</summary>
    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Fetches <paramref name="metricsUri"/> (expects 200) and parses it.</summary>
    public static async Task<PrometheusScrape> ReadAsync(HttpClient client, Uri metricsUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(metricsUri, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {metricsUri} answered {(int)response.StatusCode}: {text}");
        }

        return Parse(text);
    }

    /// <summary>Parses an exposition; a malformed sample line throws, naming it.</summary>
    public static PrometheusScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusScrape(text, samples);
    }

    /// <summary>True when any sample has the name <paramref name="name"/>.</summary>
    public bool Has(string name) => Samples.Any(sample => sample.Name == name);

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include every one of <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(sample => sample.Name == name && labels.All(l => sample.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(sample => sample.Value);

    private static PrometheusSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space))
        {
            name = line[..brace];
            rest = ParseLabels(line, brace + 1, labels);
        }
        else
        {
            name = space > 0 ? line[..space] : throw Malformed(line);
            rest = space;
        }

        var fields = line[rest..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0)
        {
            throw Malformed(line);
        }

        var value = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, value);
    }

    // Reads name="value" pairs after '{'; returns the index after the closing '}'.
    private static int ParseLabels(string line, int i, Dictionary<string, string> labels)
    {
        while (i < line.Length && line[i] != '}')
        {
            var equals = line.IndexOf('=', i);
            if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
            {
                throw Malformed(line);
            }

            var label = line[i..equals].Trim();
            var value = new StringBuilder();
            i = equals + 2;
            for (; i < line.Length && line[i] != '"'; i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length)
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }

            if (i >= line.Length)
            {
                throw Malformed(line);
            }

            labels[label] = value.ToString();
            i++;
            if (i < line.Length && line[i] == ',')
            {
                i++;
            }
        }

        return i < line.Length ? i + 1 : throw Malformed(line);
    }

    private static FormatException Malformed(string line) => new($"not a Prometheus sample line: '{line}'");
}
