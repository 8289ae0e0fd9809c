using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// This keyserver's own entry, always from what it knows first-hand rather than from its lease:
/// id and datacenter from its options, the endpoints it advertises (or has bound, see
/// <see cref="AdvertisedEndpoints"/>), its measured capacity and accelerator (the same figures
/// <c>GetCapacity</c> and its lease report), and serving until it begins to stop.
/// </summary>
/// <remarks>Hosts without an application lifetime (tests composing services by hand) report it serving throughout.</remarks>
internal sealed class LocalKeyserver(
    IOptions<KeyServerOptions> options, AdvertisedEndpoints endpoints, CapacityState capacity, IHostApplicationLifetime? lifetime = null)
{
    public string Id { get; } = options.Value.Id;

    public string Datacenter { get; } = options.Value.Datacenter;

    /// <summary>The entry now; <paramref name="place"/> (region, country, tier) from the topology when there is one.</summary>
    public KeyserverInfo Describe(DatacenterPlace? place)
    {
        var accelerator = capacity.Accelerator;
        var info = new KeyserverInfo
        {
            KeyserverId = Id,
            Datacenter = Datacenter,
            Region = place?.Region ?? "",
            Country = place?.Country ?? "",
            Tier = place?.Tier ?? "",
            Accelerator = new Accelerator { Kind = accelerator.Kind, Multiplier = accelerator.Multiplier },
            Serving = lifetime?.ApplicationStopping.IsCancellationRequested != true,
        };
        AdvertisedAddresses.Fill(info, endpoints.Current());

        // As the lease has them: the latest measurement per algorithm, sorted by name, so a list
        // compares equal read after read.
        var measured = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (algorithm, perSecond) in capacity.Measured)
        {
            measured[algorithm.Name()] = perSecond;
        }

        foreach (var (algorithm, perSecond) in measured)
        {
            info.Algorithms.Add(new AlgorithmCapacity { Algorithm = algorithm, OperationsPerSecond = perSecond });
        }

        return info;
    }
}
