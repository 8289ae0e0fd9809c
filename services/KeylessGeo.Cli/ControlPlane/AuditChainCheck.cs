using System.Globalization;
using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>
/// Fetches every audit entry from the control plane and recomputes the hash chain on this
/// machine (what <c>keylessgeo audit verify</c> and the demo do), so a compromised control plane
/// cannot simply answer "intact".
/// </summary>
public static class AuditChainCheck
{
    /// <summary>The page size entries are read with.</summary>
    public const int PageSize = 1000;

    /// <summary>What the recomputation found.</summary>
    /// <param name="Intact">Whether every entry matched its hash and its predecessor.</param>
    /// <param name="Summary">One line for the operator: the head hash, or where and why the chain broke.</param>
    public sealed record Report(bool Intact, string Summary);

    /// <summary>Reads every entry through <paramref name="client"/> and verifies the chain.</summary>
    public static async Task<Report> VerifyAsync(ControlPlaneClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        AuditEntry? last = null;
        long verified = 0;
        while (true)
        {
            var answer = await client.GetAsync(string.Create(CultureInfo.InvariantCulture, $"v1/audit?from={verified + 1}&limit={PageSize}"), cancellationToken);
            var page = answer.GetProperty("entries").EnumerateArray().Select(AuditEntries.FromJson).ToList();
            var result = AuditChain.Verify(page, last);
            if (!result.IsIntact)
            {
                var broken = page.First(e => e.Sequence == result.BrokenAtSequence);
                return new Report(false, string.Create(CultureInfo.InvariantCulture,
                    $"audit chain broken at entry {result.BrokenAtSequence} ({broken.Action} {broken.Subject} by {broken.Actor} at {broken.Timestamp.UtcDateTime:u}): {result.Reason}; {verified + result.VerifiedCount} entries before it verified"));
            }

            verified += result.VerifiedCount;
            last = result.Last;
            if (page.Count < PageSize)
            {
                break;
            }
        }

        return new Report(true, string.Create(CultureInfo.InvariantCulture,
            $"audit chain intact: {verified} entries verified{(last is null ? "" : $"; head is entry {last.Sequence}, hash {Convert.ToHexStringLower(last.Hash)}")}"));
    }
}
