using System.Text.Json;
using KeylessGeo.ControlPlane.Store;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>One row of an <c>access.refused</c> audit entry.</summary>
public sealed record RefusalRow(long Sequence, string Actor, string Identity, string Method, string Path, string Reason, int Status, long Count);

/// <summary>Reads the refused-access audit entries, waiting (on the store's change signal, bounded) until they account for the refusals made.</summary>
public static class RefusalEntries
{
    /// <summary>The rows of every <c>access.refused</c> entry and the refusals counted beyond their row limit.</summary>
    public static async Task<(IReadOnlyList<RefusalRow> Rows, long Omitted, int Entries)> ReadAsync(IControlPlaneStore store)
    {
        var rows = new List<RefusalRow>();
        long omitted = 0;
        var entries = 0;
        foreach (var entry in await store.ReadAuditAsync(1, 1000, CancellationToken.None))
        {
            if (entry.Action != "access.refused")
            {
                continue;
            }

            entries++;
            var details = JsonDocument.Parse(entry.Details).RootElement;
            omitted += details.GetProperty("omitted").GetInt64();
            rows.AddRange(details.GetProperty("refusals").EnumerateArray().Select(r => new RefusalRow(
                entry.Sequence, entry.Actor, r.GetProperty("identity").GetString()!, r.GetProperty("method").GetString()!, r.GetProperty("path").GetString()!,
                r.GetProperty("reason").GetString()!, r.GetProperty("status").GetInt32(), r.GetProperty("count").GetInt64())));
        }

        return (rows, omitted, entries);
    }

    /// <summary>Waits until the entries count at least <paramref name="refusals"/> refused requests; fails after 30 seconds.</summary>
    public static async Task<(IReadOnlyList<RefusalRow> Rows, long Omitted, int Entries)> WaitForAsync(IControlPlaneStore store, long refusals)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var revision = await store.GetRevisionAsync(timeout.Token);
            var found = await ReadAsync(store);
            if (found.Omitted + found.Rows.Sum(r => r.Count) >= refusals)
            {
                return found;
            }

            try
            {
                await store.WaitForChangeAsync(revision, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"only {found.Omitted + found.Rows.Sum(r => r.Count)} of {refusals} refusals reached the audit log within 30 seconds");
            }
        }
    }
}
