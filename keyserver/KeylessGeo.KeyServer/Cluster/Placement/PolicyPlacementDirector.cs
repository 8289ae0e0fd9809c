using System.Globalization;
using KeylessGeo.KeyServer.Cluster.Silo;
using KeylessGeo.KeyServer.Keys;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// Chooses the silo for a new key grain activation: only silos whose datacenter (silo metadata)
/// the key's policy permits are candidates. The placing silo itself wins when it is one (no
/// hop); otherwise one is drawn at random, weighted by its advertised capacity for the key's
/// algorithm times its accelerator multiplier, so a faster node takes a larger share of keys.
/// No candidate: <see cref="KeyNotPlaceableException"/>, which reaches the caller.
/// </summary>
internal sealed class PolicyPlacementDirector(
    KeyPlacementView placements, KeyStore keys, AdvertisedCapacity capacity, ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var keyId = target.GrainIdentity.Key.ToString()!;
        var current = placements.Current;
        if (current.ForKey(keyId) is not { } permitted)
        {
            throw new KeyNotPlaceableException($"key '{keyId}' is not managed by the control plane as of revision {current.Revision}");
        }

        var candidates = new List<(SiloAddress Silo, double? Measured, double Multiplier)>();
        var algorithm = keys.TryGetById(keyId, out var key) ? key.Algorithm.Name() : "";
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            var facts = metadata.GetSiloMetadata(silo).Metadata;
            if (!facts.TryGetValue(SiloMetadataKeys.Datacenter, out var datacenter) || !permitted.Permits(datacenter))
            {
                continue;
            }

            if (silo.Equals(context.LocalSilo))
            {
                return Task.FromResult(silo);
            }

            candidates.Add((silo, Measured(facts, algorithm), Multiplier(facts)));
        }

        if (candidates.Count == 0)
        {
            throw new KeyNotPlaceableException(
                $"no keyserver of this cluster that is up may hold key '{keyId}': its policy permits {permitted.Describe()}");
        }

        return Task.FromResult(CapacityDraw.Draw(candidates, Random.Shared.NextDouble()));
    }

    private double? Measured(IReadOnlyDictionary<string, string> facts, string algorithm) =>
        facts.TryGetValue(SiloMetadataKeys.KeyserverId, out var id) ? capacity.OperationsPerSecond(id, algorithm) : null;

    private static double Multiplier(IReadOnlyDictionary<string, string> facts) =>
        facts.TryGetValue(SiloMetadataKeys.AcceleratorMultiplier, out var text)
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : 1.0;
}
