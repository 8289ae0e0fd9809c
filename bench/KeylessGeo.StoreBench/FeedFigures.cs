using System.Globalization;

namespace KeylessGeo.StoreBench;

/// <summary>What a keyserver's feed cost at one store size for one kind of change.</summary>
/// <param name="Store">The store the keyserver follows.</param>
/// <param name="Keys">Managed keys (all servable in the keyserver's datacenter).</param>
/// <param name="Policies">Policies.</param>
/// <param name="Change">What each measured commit changed: one key, or one policy (re-deciding its keys).</param>
/// <param name="Applies">Changes measured.</param>
/// <param name="MillisecondsP50">Median time to read the change's records and apply them.</param>
/// <param name="MillisecondsP95">95th percentile of the same.</param>
/// <param name="AllocatedBytesP50">Median bytes allocated (whole process, precise) by that step.</param>
/// <param name="SnapshotSeconds">Time to apply the first snapshot at this size (a keyserver start, or a re-sync).</param>
/// <param name="HeapMegabytes">Managed heap after the first snapshot and a full collection.</param>
internal sealed record FeedFigures(
    string Store, int Keys, int Policies, string Change, int Applies, double MillisecondsP50, double MillisecondsP95, double AllocatedBytesP50,
    double SnapshotSeconds, double HeapMegabytes)
{
    public const string MarkdownHeader =
        "| store | keys | policies | change | applies | ms p50 | ms p95 | allocated bytes p50 | first snapshot s | heap MB |\n| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |";

    public string ToMarkdownRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Store} | {Keys:N0} | {Policies:N0} | {Change} | {Applies} | {MillisecondsP50:F3} | {MillisecondsP95:F3} | {AllocatedBytesP50:N0} | {SnapshotSeconds:F1} | {HeapMegabytes:F0} |");
}
