namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>Orders keyservers at random, each position drawn with probability proportional to weight.</summary>
internal static class WeightedShuffle
{
    /// <summary>Shuffles <paramref name="items"/> from <paramref name="start"/> to the end in place.</summary>
    public static void Shuffle(List<RemoteKeyserver> items, int start, Random random)
    {
        // Repeated weighted draws without replacement: quadratic, and a region holds a handful of
        // keyservers.
        for (var i = start; i < items.Count - 1; i++)
        {
            var total = 0.0;
            for (var j = i; j < items.Count; j++)
            {
                total += items[j].Weight;
            }

            var draw = random.NextDouble() * total;
            var pick = items.Count - 1;
            for (var j = i; j < items.Count; j++)
            {
                draw -= items[j].Weight;
                if (draw < 0)
                {
                    pick = j;
                    break;
                }
            }

            (items[i], items[pick]) = (items[pick], items[i]);
        }
    }
}
