using System.Globalization;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Which keyserver performed a handshake's private-key operation, as far as it can be observed
/// from outside: a TLS client learns nothing of it, and the engine's Keyless answer carries no
/// signer. Each keyserver counts the operations it performed itself
/// (<c>keylessgeo_keyserver_operations_total</c> with <c>keylessgeo_error_code="OK"</c>; a
/// keyserver that routes a request to the key's grain or to another region does not count it), so
/// the counters read before and after a row of handshakes, while nothing else sends requests,
/// name the keyservers that signed and how many operations each performed.
/// </summary>
public sealed class DemoSigningCounts(IReadOnlyList<DemoKeyserverNode> keyservers)
{
    private const string Counter = "keylessgeo_keyserver_operations_total{";
    private const string Succeeded = "keylessgeo_error_code=\"OK\"";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Each keyserver's count of operations it performed successfully, now.</summary>
    public async Task<Dictionary<DemoKeyserverNode, double>> ReadAsync(CancellationToken cancellationToken)
    {
        var counts = await Task.WhenAll(keyservers.Select(async keyserver =>
        {
            var text = await Http.GetStringAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{keyserver.MetricsPort}/metrics")), cancellationToken);
            return (keyserver, Sum(text));
        }));
        return counts.ToDictionary(c => c.keyserver, c => c.Item2);
    }

    /// <summary>The keyservers whose count grew between <paramref name="before"/> and <paramref name="after"/>, with how much.</summary>
    public static List<(DemoKeyserverNode Keyserver, int Operations)> Difference(Dictionary<DemoKeyserverNode, double> before, Dictionary<DemoKeyserverNode, double> after) =>
        [.. after.Select(pair => (pair.Key, Operations: (int)Math.Round(pair.Value - before.GetValueOrDefault(pair.Key))))
            .Where(pair => pair.Operations > 0)
            .OrderByDescending(pair => pair.Operations)];

    private static double Sum(string exposition)
    {
        var total = 0.0;
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(Counter, StringComparison.Ordinal) || !line.Contains(Succeeded, StringComparison.Ordinal))
            {
                continue;
            }

            // NAME{labels} VALUE [TIMESTAMP]
            var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            total += double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return total;
    }
}
