using System.Globalization;

namespace KeylessGeo.StoreBench;

/// <summary>The first signature with a cold managed key against one with the same key warm, on one path through a two-silo region.</summary>
/// <param name="Store">The store the keyservers fetch wrapped keys from.</param>
/// <param name="Path">Where the requests entered and where they were signed.</param>
/// <param name="Keys">Keys measured (one cold and one warm signature each).</param>
/// <param name="ColdP50">Median milliseconds of a cold key's first signature.</param>
/// <param name="ColdP99">99th percentile of the same.</param>
/// <param name="WarmP50">Median milliseconds of a signature with the key warm.</param>
/// <param name="WarmP99">99th percentile of the same.</param>
/// <param name="Fetches">Wrapped keys the signing keyserver fetched from the store (one per key expected).</param>
/// <param name="Activations">Key grains activated on the signing silo (one per key on the grain path, none on the local one).</param>
internal sealed record ColdGrainFigures(string Store, string Path, int Keys, double ColdP50, double ColdP99, double WarmP50, double WarmP99, long Fetches, int Activations)
{
    public const string MarkdownHeader =
        "| store | path | keys | cold first signature ms p50 | cold p99 | warm signature ms p50 | warm p99 | fetches | grain activations |\n"
        + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

    public string ToMarkdownRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Store} | {Path} | {Keys:N0} | {ColdP50:F3} | {ColdP99:F3} | {WarmP50:F3} | {WarmP99:F3} | {Fetches:N0} | {Activations:N0} |");
}
