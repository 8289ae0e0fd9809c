using System.Globalization;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// Compares what two keyservers of one datacenter make of the same store revision: counts, every
/// managed key's entry (status, refusal, public facts), every lookup by id, SKI and host name
/// (wildcards through a name they cover), and where each key may be placed. The log-only reason of
/// a servable entry is left out: an entry whose facts did not change is carried over with the
/// reason it was logged with, whichever way the set was built.
/// </summary>
internal static class KeySetComparison
{
    public static void AssertSame(ControlPlaneSnapshot snapshot, ClusterHarness expected, ClusterHarness actual)
    {
        Assert.Equal(snapshot.Revision, expected.State.AppliedRevision);
        Assert.Equal(snapshot.Revision, actual.State.AppliedRevision);
        Assert.Equal(expected.State.Counts, actual.State.Counts);
        Assert.Equal(expected.Keys.IndexedKeyCount, actual.Keys.IndexedKeyCount);
        Assert.Equal(Describe(snapshot, expected), Describe(snapshot, actual));
    }

    /// <summary>One line per key, lookup and placement, so a difference shows as a readable diff.</summary>
    public static IReadOnlyList<string> Describe(ControlPlaneSnapshot snapshot, ClusterHarness keyserver)
    {
        var placements = keyserver.Services.GetRequiredService<KeyPlacementView>().Current;
        var lines = new List<string>();
        foreach (var id in snapshot.Keys.Select(k => k.KeyId).Append("no-such-key"))
        {
            lines.Add($"entry {id}: " + (keyserver.Keys.TryGetById(id, out var key) ? Describe(key) : "none"));
            lines.Add($"placement {id}: " + (placements.ForKey(id) is { } places ? places.Describe() : "none"));
            lines.Add($"by id {id}: " + Describe(keyserver.Keys.Find(new KeyRef { KeyId = id })));
        }

        foreach (var record in snapshot.Keys)
        {
            lines.Add($"by ski of {record.KeyId}: " + Describe(keyserver.Keys.Find(new KeyRef { Ski = ByteString.CopyFrom(record.Ski) })));
            foreach (var name in record.HostNames)
            {
                var sni = name.StartsWith("*.", StringComparison.Ordinal) ? "covered" + name[1..] : name;
                lines.Add($"by sni {sni}: " + Describe(keyserver.Keys.Find(new KeyRef { Sni = sni })));
            }
        }

        return lines;
    }

    private static string Describe(IndexedKey key)
    {
        var facts = ManagedKeySet.FactsOf(key);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{key.KeyId} {facts.Status} v{facts.Record.Version} policy {facts.Record.PolicyId} generation {facts.PolicyKeyGeneration} " +
            $"refusal {key.RefusalCode} '{key.RefusalMessage}' ski {Convert.ToHexString(key.Ski)} names [{string.Join(",", key.HostNames)}]");
    }

    private static string Describe(KeyLookupResult result) =>
        (result.Key ?? result.RefusedKey)?.KeyId + $" {result.Error} '{result.Message}'";
}
