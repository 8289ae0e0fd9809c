using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// One read of the other keyservers: live leases with a gRPC endpoint, grouped by region, the
/// regions in preference order (listed ones nearest first, then the rest alphabetically).
/// Immutable, so requests read it without locks while the directory swaps in the next one.
/// </summary>
internal sealed class RemoteKeyserverView
{
    private readonly ImmutableArray<ImmutableArray<RemoteKeyserver>> _regions;

    private RemoteKeyserverView(ImmutableArray<ImmutableArray<RemoteKeyserver>> regions, DateTimeOffset readAt, int skipped)
    {
        _regions = regions;
        ReadAt = readAt;
        Skipped = skipped;
        Count = regions.Sum(static r => r.Length);
        Endpoints = regions.SelectMany(static r => r).Select(static k => k.Endpoint).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>When the store was read.</summary>
    public DateTimeOffset ReadAt { get; }

    /// <summary>How many keyservers the view holds.</summary>
    public int Count { get; }

    /// <summary>Every keyserver's endpoint (upstreams not in it are closed).</summary>
    public IReadOnlySet<string> Endpoints { get; }

    /// <summary>How many regions the view holds.</summary>
    public int RegionCount => _regions.Length;

    /// <summary>Live leases left out: no gRPC endpoint, or a datacenter the topology does not name.</summary>
    public int Skipped { get; }

    /// <summary>
    /// Builds a view from live <paramref name="leases"/> and the topology's
    /// <paramref name="datacenters"/>, leaving out <paramref name="selfId"/> (forwarding to
    /// oneself would loop).
    /// </summary>
    public static RemoteKeyserverView Build(
        IEnumerable<KeyserverLease> leases,
        IEnumerable<DatacenterRecord> datacenters,
        string selfId,
        IReadOnlyList<string> regionPreference,
        DateTimeOffset readAt)
    {
        var regionOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var datacenter in datacenters)
        {
            regionOf[datacenter.Id] = datacenter.Region;
        }

        var byRegion = new Dictionary<string, List<RemoteKeyserver>>(StringComparer.OrdinalIgnoreCase);
        var skipped = 0;
        foreach (var lease in leases)
        {
            if (string.Equals(lease.KeyserverId, selfId, StringComparison.Ordinal))
            {
                continue;
            }

            if (!regionOf.TryGetValue(lease.DatacenterId, out var region) || GrpcEndpoint.Select(lease.Endpoints) is not { } endpoint)
            {
                skipped++;
                continue;
            }

            if (!byRegion.TryGetValue(region, out var members))
            {
                members = [];
                byRegion[region] = members;
            }

            members.Add(new RemoteKeyserver(lease.KeyserverId, lease.DatacenterId, region, endpoint, WeightOf(lease)));
        }

        var ordered = byRegion.Keys
            .OrderBy(region => RankOf(region, regionPreference))
            .ThenBy(static region => region, StringComparer.OrdinalIgnoreCase)
            .Select(region => byRegion[region].ToImmutableArray())
            .ToImmutableArray();
        return new RemoteKeyserverView(ordered, readAt, skipped);
    }

    /// <summary>
    /// The keyservers of <paramref name="permittedDatacenters"/> in the order to try them:
    /// nearest region first; within a region shuffled with probability proportional to each
    /// one's weight, so load spreads by capacity.
    /// </summary>
    public RemoteKeyserver[] Candidates(IReadOnlyCollection<string> permittedDatacenters, Random random)
    {
        var candidates = new List<RemoteKeyserver>();
        foreach (var region in _regions)
        {
            var start = candidates.Count;
            foreach (var keyserver in region)
            {
                if (Contains(permittedDatacenters, keyserver.DatacenterId))
                {
                    candidates.Add(keyserver);
                }
            }

            WeightedShuffle.Shuffle(candidates, start, random);
        }

        return [.. candidates];
    }

    private static int RankOf(string region, IReadOnlyList<string> preference)
    {
        for (var i = 0; i < preference.Count; i++)
        {
            if (string.Equals(preference[i]?.Trim(), region, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static double WeightOf(KeyserverLease lease)
    {
        // Capacity is measured per algorithm and the key's algorithm is not known here; the sum
        // ranks keyservers of one fleet the same way any single algorithm would. A keyserver that
        // has not calibrated yet still gets a share.
        var total = 0.0;
        foreach (var (_, operationsPerSecond) in lease.Capacity)
        {
            if (double.IsFinite(operationsPerSecond) && operationsPerSecond > 0)
            {
                total += operationsPerSecond;
            }
        }

        return Math.Max(total, 1);
    }

    private static bool Contains(IReadOnlyCollection<string> datacenters, string id)
    {
        if (datacenters is ICollection<string> collection)
        {
            return collection.Contains(id);
        }

        foreach (var datacenter in datacenters)
        {
            if (string.Equals(datacenter, id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
