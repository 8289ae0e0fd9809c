namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// Picks one of several candidates with probability proportional to its measured capacity
/// times its accelerator multiplier. A candidate without a measurement yet (a keyserver that
/// just started) counts as the mean of those measured (as 1 when none is), so it neither starves
/// nor floods.
/// </summary>
internal static class CapacityDraw
{
    /// <param name="candidates">At least one candidate.</param>
    /// <param name="uniform">A uniform random number in [0, 1): where on the weighted line to pick.</param>
    public static T Draw<T>(IReadOnlyList<(T Item, double? Measured, double Multiplier)> candidates, double uniform)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        double sum = 0;
        var count = 0;
        foreach (var candidate in candidates)
        {
            if (candidate.Measured is { } measured)
            {
                sum += measured;
                count++;
            }
        }

        var fallback = count > 0 ? sum / count : 1.0;
        var total = 0.0;
        foreach (var candidate in candidates)
        {
            total += (candidate.Measured ?? fallback) * candidate.Multiplier;
        }

        var point = uniform * total;
        foreach (var candidate in candidates)
        {
            point -= (candidate.Measured ?? fallback) * candidate.Multiplier;
            if (point < 0)
            {
                return candidate.Item;
            }
        }

        return candidates[^1].Item;
    }
}
