using System.Globalization;

namespace KeylessGeo.StoreBench;

/// <summary>What one store measured at one size.</summary>
/// <param name="Store">embedded or postgresql (and which build).</param>
/// <param name="Keys">Keys in the store.</param>
/// <param name="Policies">Policies in the store.</param>
/// <param name="Commits">Single-key commits measured.</param>
/// <param name="MillisecondsP50">Median time per commit.</param>
/// <param name="MillisecondsP95">95th percentile time per commit.</param>
/// <param name="BytesP50">Median bytes written per commit (what the figure counts: <paramref name="BytesMeaning"/>).</param>
/// <param name="BytesMean">Mean bytes written per commit.</param>
/// <param name="BytesMeaning">How bytes were counted.</param>
/// <param name="LoadSeconds">Time to grow the store to this size from the previous one.</param>
/// <param name="Extra">Store-specific figures (snapshot size and compaction time, table sizes).</param>
internal sealed record CommitFigures(
    string Store, int Keys, int Policies, int Commits, double MillisecondsP50, double MillisecondsP95, double BytesP50, double BytesMean, string BytesMeaning, double LoadSeconds, string Extra)
{
    public string ToMarkdownRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Store} | {Keys:N0} | {Policies:N0} | {Commits} | {MillisecondsP50:F2} | {MillisecondsP95:F2} | {BytesP50:N0} / {BytesMean:N0} ({BytesMeaning}) | {LoadSeconds:F1} | {Extra} |");

    public const string MarkdownHeader =
        "| store | keys | policies | commits | ms p50 | ms p95 | bytes per commit, p50 / mean | load s | notes |\n| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |";
}
