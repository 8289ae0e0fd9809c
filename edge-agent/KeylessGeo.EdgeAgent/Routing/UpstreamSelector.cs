using KeylessGeo.EdgeAgent.Upstreams;

namespace KeylessGeo.EdgeAgent.Routing;

/// <summary>
/// Capacity-weighted least outstanding requests by two random choices: two candidates are drawn
/// with probability proportional to their advertised capacity, and the one with fewer requests
/// in flight per unit of capacity wins (the first drawn on a tie). Idle keyservers therefore
/// share traffic in proportion to capacity, and a busy one sheds to the other.
/// </summary>
internal static class UpstreamSelector
{
    /// <summary>Picks among <paramref name="candidates"/> those available, not saturated and not in <paramref name="tried"/>.</summary>
    public static Upstream? Choose(Upstream[] candidates, IReadOnlyCollection<Upstream>? tried, out SelectionMiss miss)
    {
        var total = 0.0;
        var eligible = 0;
        var saturated = 0;
        foreach (var candidate in candidates)
        {
            if (!candidate.Available || (tried is not null && tried.Contains(candidate)))
            {
                continue;
            }

            if (candidate.Saturated)
            {
                saturated++;
                continue;
            }

            total += candidate.Weight;
            eligible++;
        }

        if (eligible == 0)
        {
            miss = saturated > 0 ? SelectionMiss.Saturated : SelectionMiss.NoneAvailable;
            return null;
        }

        var first = Draw(candidates, tried, total, null);
        miss = first is null ? SelectionMiss.NoneAvailable : SelectionMiss.None;
        if (first is null || eligible == 1)
        {
            return first;
        }

        var second = Draw(candidates, tried, total - first.Weight, first);
        return second is not null && Load(second) < Load(first) ? second : first;
    }

    private static double Load(Upstream upstream) => upstream.Outstanding / upstream.Weight;

    private static Upstream? Draw(Upstream[] candidates, IReadOnlyCollection<Upstream>? tried, double total, Upstream? except)
    {
        var point = Random.Shared.NextDouble() * total;
        Upstream? last = null;
        foreach (var candidate in candidates)
        {
            if (candidate == except || !candidate.Available || candidate.Saturated || (tried is not null && tried.Contains(candidate)))
            {
                continue;
            }

            last = candidate;
            point -= candidate.Weight;
            if (point < 0)
            {
                return candidate;
            }
        }

        // Rounding, or a state that changed under us: the last eligible one, if any is left.
        return last;
    }
}
