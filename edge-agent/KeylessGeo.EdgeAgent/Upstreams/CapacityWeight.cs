using KeylessGeo.Contracts.V1;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>
/// One number per keyserver for weighting: its measured operations per second summed over the
/// algorithms it advertises (a request's algorithm is unknown until the keyserver looks its key
/// up, and keyservers measure the same algorithms, so the sums compare machines). Advertised
/// capacity already includes an accelerator's multiplier. A keyserver that advertises nothing yet
/// (still calibrating) gets weight 1 against others' unknown too, or the smallest known weight.
/// </summary>
internal static class CapacityWeight
{
    public static double Of(KeyserverInfo keyserver)
    {
        var sum = 0.0;
        foreach (var algorithm in keyserver.Algorithms)
        {
            if (algorithm.OperationsPerSecond > 0 && double.IsFinite(algorithm.OperationsPerSecond))
            {
                sum += algorithm.OperationsPerSecond;
            }
        }

        return sum;
    }

    /// <summary>Weights for a list: unknown capacities take the smallest known one (or 1 when none is known).</summary>
    public static double[] For(IReadOnlyList<KeyserverInfo> keyservers)
    {
        var weights = keyservers.Select(Of).ToArray();
        var known = weights.Where(w => w > 0).DefaultIfEmpty(1).Min();
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = weights[i] > 0 ? weights[i] : known;
        }

        return weights;
    }
}
