using System.Globalization;

namespace KeylessGeo.StoreBench;

/// <summary>The first signature with a cold managed key against one with the same key warm.</summary>
/// <param name="Store">The store the keyserver fetches wrapped keys from.</param>
/// <param name="Keys">Keys measured (one cold and one warm signature each).</param>
/// <param name="ColdP50">Median milliseconds of a cold key's first signature (fetch, unwraps, import, signature).</param>
/// <param name="ColdP99">99th percentile of the same.</param>
/// <param name="WarmP50">Median milliseconds of a signature with the key warm.</param>
/// <param name="WarmP99">99th percentile of the same.</param>
/// <param name="Fetches">Wrapped keys fetched from the store (one per key expected).</param>
internal sealed record ColdKeyFigures(string Store, int Keys, double ColdP50, double ColdP99, double WarmP50, double WarmP99, long Fetches)
{
    public const string MarkdownHeader =
        "| store | keys | cold first signature ms p50 | cold p99 | warm signature ms p50 | warm p99 | fetches |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |";

    public string ToMarkdownRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Store} | {Keys:N0} | {ColdP50:F3} | {ColdP99:F3} | {WarmP50:F3} | {WarmP99:F3} | {Fetches:N0} |");
}
