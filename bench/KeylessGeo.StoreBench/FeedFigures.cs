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
/// <param name="StartupSeconds">A keyserver's start-up at this size: the snapshot read a page at a time, the index built, ready to sign.</param>
/// <param name="HeapMegabytes">Managed heap of the whole process (store included) after the start-up and a full collection.</param>
/// <param name="HeapBytesPerKey">Managed heap the keyserver's index added, per key (the store's own memory excluded).</param>
/// <param name="RssBytesPerKey">Resident memory the keyserver's start-up added, per key (the runtime may keep freed pages: an upper bound).</param>
internal sealed record FeedFigures(
    string Store, int Keys, int Policies, string Change, int Applies, double MillisecondsP50, double MillisecondsP95, double AllocatedBytesP50,
    double StartupSeconds, double HeapMegabytes, double HeapBytesPerKey, double RssBytesPerKey)
{
    public const string MarkdownHeader =
        "| store | keys | policies | change | applies | ms p50 | ms p95 | allocated bytes p50 | start-up s | process heap MB | keyserver heap B/key | keyserver RSS B/key |\n" +
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

    public string ToMarkdownRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Store} | {Keys:N0} | {Policies:N0} | {Change} | {Applies} | {MillisecondsP50:F3} | {MillisecondsP95:F3} | {AllocatedBytesP50:N0} | {StartupSeconds:F1} | {HeapMegabytes:F0} | {HeapBytesPerKey:F0} | {RssBytesPerKey:F0} |");
}
