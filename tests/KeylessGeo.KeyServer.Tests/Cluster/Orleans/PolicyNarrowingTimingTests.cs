using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Tests.Cluster.Membership;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing.Redis;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// Narrowing a policy, measured: key k1 is permitted in fra1 and sfo1, so requests entering at fra1
/// are signed there and those entering at ams1 reach k1's grain on ks-fra1. The policy then drops
/// fra1; from the commit (the moment the control plane's commit call returned, so a keyserver that
/// applies the change first shows a value at or just below zero) to the first answer at each
/// datacenter that is not a signature from fra1, the later of the two is one round's figure. Five rounds per store (the policy widened again in between),
/// each value and the median printed; never asserted (a busy machine is not a failure). What is
/// asserted: once a request was not signed in fra1, no later one is; the signing moves to sfo1;
/// and afterwards ks-fra1 holds no activation of k1.
/// </summary>
public sealed class PolicyNarrowingTimingTests(MembershipPostgresFixture postgres, ITestOutputHelper output)
    : IClassFixture<MembershipPostgresFixture>, IDisposable
{
    private const int Rounds = 5;
    private const string Fra = "ks-fra1";
    private const string Ams = "ks-ams1";
    private const string Sfo = "ks-sfo1";
    private const string Wide = "dc: fra1 or dc: sfo1";
    private static readonly string[] Datacenters = ["fra1", "ams1", "sfo1"];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _naKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] _digest = SHA256.HashData("narrowing"u8);

    public void Dispose()
    {
        _key.Dispose();
        _naKey.Dispose();
    }

    [Fact]
    public async Task Narrowing_a_policy_on_the_embedded_store_stops_signing_in_the_removed_datacenter()
    {
        using var data = new TempDirectory();
        var store = new ControlPlaneStoreOptions { Kind = ControlPlaneStoreOptions.EmbeddedKind, DataDirectory = data.Path };
        await MeasureAsync("embedded store, embedded membership", store, null);
    }

    [Fact]
    public async Task Narrowing_a_policy_on_the_PostgreSQL_store_stops_signing_in_the_removed_datacenter()
    {
        var store = new ControlPlaneStoreOptions { Kind = ControlPlaneStoreOptions.PostgresKind, ConnectionString = await postgres.CreateDatabaseAsync() };
        await MeasureAsync("PostgreSQL store, PostgreSQL membership", store, new Dictionary<string, string?>
        {
            ["Cluster:Membership:Kind"] = "postgresql",
            ["Cluster:Membership:Directory"] = null,
        });
    }

    [Fact]
    public async Task Narrowing_a_policy_with_Redis_membership_and_directory_stops_signing_in_the_removed_datacenter()
    {
        await using var redis = await RedisServer.StartAsync();
        var store = new ControlPlaneStoreOptions { Kind = ControlPlaneStoreOptions.PostgresKind, ConnectionString = await postgres.CreateDatabaseAsync() };
        await MeasureAsync("PostgreSQL store, Redis membership and directory", store, new Dictionary<string, string?>
        {
            ["Cluster:Membership:Kind"] = "redis",
            ["Cluster:Membership:ConnectionString"] = redis.ConnectionString,
            ["Cluster:Membership:Directory"] = null,
        });
    }

    private async Task MeasureAsync(string setup, ControlPlaneStoreOptions store, IReadOnlyDictionary<string, string?>? settings)
    {
        await using var clusters = await RegionalClusters.StartAsync(settings, store, Datacenters);
        await clusters.Seeder.CreatePolicyAsync("fra-sfo", Wide);
        await clusters.Seeder.CreatePolicyAsync("na-only", "dc: sfo1");
        await clusters.Seeder.ImportKeyAsync("k1", "fra-sfo", _key);
        await clusters.AppliedAsync(await clusters.Seeder.ImportKeyAsync("k-na", "na-only", _naKey));

        // The forwarding connections to sfo1 are made before the measurement, as a running
        // cluster's would be: the figure is the policy's propagation, not a TLS handshake.
        await WhenSignedAsync(clusters[Fra], "k-na", Sfo);
        await WhenSignedAsync(clusters[Ams], "k-na", Sfo);

        var figures = new List<TimeSpan>();
        var widening = new List<TimeSpan>();
        for (var round = 1; round <= Rounds; round++)
        {
            figures.Add(await NarrowOnceAsync(clusters, round));
            widening.Add(await WidenOnceAsync(clusters));
            await clusters.AppliedAsync(await clusters.Store.GetRevisionAsync(CancellationToken.None));
        }

        var median = figures.Order().ElementAt(Rounds / 2);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{setup}: narrowing stopped signing in fra1 after {string.Join(", ", figures.Select(f => $"{f.TotalMilliseconds:F0}"))} ms; median {median.TotalMilliseconds:F0} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{setup}: widening made fra1 sign again after {string.Join(", ", widening.Select(f => $"{f.TotalMilliseconds:F0}"))} ms; median {widening.Order().ElementAt(Rounds / 2).TotalMilliseconds:F0} ms"));
    }

    /// <summary>
    /// One widening: with the policy at sfo1 only, requests entering at fra1 are forwarded to sfo1;
    /// the policy then permits fra1 again, and the figure is the time from the commit to the first
    /// request signed by fra1 itself. Nothing is signed outside fra1 and sfo1 meanwhile.
    /// </summary>
    private async Task<TimeSpan> WidenOnceAsync(RegionalClusters clusters)
    {
        var fra1 = clusters[Fra];
        await WhenSignedAsync(fra1, "k1", Sfo);
        var clock = Stopwatch.StartNew();
        var load = new SteadyLoad($"k1 at {Fra}", fra1.Channel, "k1", _digest, TimeSpan.FromMilliseconds(2), 1, Deadline, clock);
        TimeSpan committed;
        try
        {
            using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
            load.Start();
            await load.WhenAsync(o => o.Count(x => x.Signed) >= 3, guard.Token);
            await clusters.Seeder.UpdatePolicyAsync("fra-sfo", Wide);
            committed = clock.Elapsed;
            await load.WhenAsync(o => o.Any(x => x.Signed && x.ServedBy == Fra), guard.Token);
        }
        finally
        {
            await load.DisposeAsync();
        }

        Assert.All(load.Outcomes, o => Assert.True(o.NoAnswer is null && (!o.Signed || o.ServedBy is Fra or Sfo), $"{load.Name}: {o}"));
        return load.Outcomes.Where(o => o.Signed && o.ServedBy == Fra).Min(o => o.Ended) - committed;
    }

    /// <summary>One round: narrows the policy under load at fra1 and ams1; returns the time from the commit until neither is signed in fra1.</summary>
    private async Task<TimeSpan> NarrowOnceAsync(RegionalClusters clusters, int round)
    {
        var fra1 = clusters[Fra];
        await WhenSignedAsync(fra1, "k1", Fra);
        await WhenSignedAsync(clusters[Ams], "k1", Fra);
        Assert.True(fra1.Get<LocalKeyActivations>().IsActive("k1"), "k1's grain should be active on ks-fra1 before the narrowing");
        var earlier = fra1.Logs.Entries.ToHashSet(ReferenceEqualityComparer.Instance);
        var deactivated = fra1.Logs.WhenLoggedAsync("KeyGrainDeactivated", e => !earlier.Contains(e) && e.Message.StartsWith("Key grain k1 ", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromMilliseconds(2);
        SteadyLoad[] loads =
        [
            new($"k1 at {Fra}", fra1.Channel, "k1", _digest, interval, 1, Deadline, clock),
            new($"k1 at {Ams}", clusters[Ams].Channel, "k1", _digest, interval, 1, Deadline, clock),
        ];
        TimeSpan committed;
        try
        {
            using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
            foreach (var load in loads)
            {
                load.Start();
                await load.WhenAsync(o => o.Count(x => x.Signed) >= 3, guard.Token);
            }

            await clusters.Seeder.UpdatePolicyAsync("fra-sfo", "dc: sfo1");
            committed = clock.Elapsed;
            foreach (var load in loads)
            {
                await load.WhenAsync(o => o.Any(x => x.Started > committed && x.Signed && x.ServedBy == Sfo), guard.Token);
            }
        }
        finally
        {
            foreach (var load in loads)
            {
                await load.DisposeAsync();
            }
        }

        var stopped = TimeSpan.MinValue;
        var report = new List<string>();
        foreach (var load in loads)
        {
            var outcomes = load.Outcomes;
            Assert.All(outcomes, o =>
            {
                Assert.True(o.NoAnswer is null, $"{load.Name}: {o}");
                if (o.Signed)
                {
                    Assert.Contains(o.ServedBy, new[] { Fra, Sfo });
                    Assert.True(_key.VerifyHash(_digest, o.Response!.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence), o.ToString());
                }
                else
                {
                    Assert.NotEqual(ErrorCode.Unspecified, o.Code);
                }
            });

            var first = outcomes.Where(o => !SignedInFra1(o)).MinBy(o => o.Ended)!;
            Assert.DoesNotContain(outcomes, o => o.Started >= first.Ended && SignedInFra1(o));
            var after = first.Ended - committed;
            stopped = after > stopped ? after : stopped;
            report.Add(string.Create(CultureInfo.InvariantCulture,
                $"{load.Name}: {after.TotalMilliseconds:F0} ms ({(first.Signed ? first.Label : first.ToString())}; {outcomes.Count(o => o.Started > committed && SignedInFra1(o))} signed in fra1 after the commit)"));
        }

        await deactivated;
        Assert.False(fra1.Get<LocalKeyActivations>().IsActive("k1"), "ks-fra1 still holds an activation of k1");
        output.WriteLine($"round {round}: {string.Join("; ", report)}");
        return stopped;
    }

    private static bool SignedInFra1(LoadOutcome outcome) => outcome.Signed && outcome.ServedBy == Fra;

    /// <summary>Asks <paramref name="entry"/> until a request for <paramref name="keyId"/> is signed (bounded); it must be signed by <paramref name="signer"/>.</summary>
    private async Task WhenSignedAsync(RegionalClusters.Member entry, string keyId, string signer)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        while (true)
        {
            var response = await RegionalClusters.SignAsync(entry.Channel, keyId, Operation.EcdsaSha256, _digest);
            if (response.OutcomeCase == SignResponse.OutcomeOneofCase.Result)
            {
                Assert.Equal(signer, response.ServedBy.KeyserverId);
                return;
            }

            // Not yet applied or placed: the answer says so; ask again shortly.
            Assert.NotEqual(ErrorCode.Unspecified, response.Error.Code);
            await Task.Delay(50, guard.Token);
        }
    }
}
