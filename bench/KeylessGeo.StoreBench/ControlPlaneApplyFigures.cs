using System.Globalization;

namespace KeylessGeo.StoreBench;

/// <summary>One row of results: one kind of change at one store size.</summary>
internal sealed record ControlPlaneApplyFigures(
    string Store, int Keys, int Policies, string Change, int Count, double P50Milliseconds, double P95Milliseconds, double AllocatedBytesP50,
    double SnapshotReadMilliseconds, double FirstSyncSeconds, double StateMegabytes)
{
    public const string MarkdownHeader =
        "| store | keys | policies | change | n | apply p50 ms | apply p95 ms | allocated p50 KB | before: snapshot read + key-id set ms (each key operation) | first sync s | state MB |\n"
        + "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|";

    public string ToMarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Store} | {Keys:N0} | {Policies:N0} | {Change} | {Count} | {P50Milliseconds:F2} | {P95Milliseconds:F2} | {AllocatedBytesP50 / 1024:F0} | {SnapshotReadMilliseconds:F0} | {FirstSyncSeconds:F1} | {StateMegabytes:F0} |");
}
