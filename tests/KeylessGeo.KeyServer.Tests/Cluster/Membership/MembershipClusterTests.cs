using System.Diagnostics;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster.Membership;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing.Redis;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.GrainDirectory;
using Orleans.Runtime;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>
/// Three in-process silos per membership kind form one cluster through
/// <see cref="SiloBuilderMembershipExtensions.UseKeyServerMembership"/>; one is then killed
/// (cut off from the table, stopped without leaving) and the other two must find it dead by
/// probing and voting in the table, with <see cref="TestSilos.FastFailureDetection"/>.
/// </summary>
public sealed class MembershipClusterTests(MembershipPostgresFixture postgres, ITestOutputHelper output)
    : IClassFixture<MembershipPostgresFixture>, IDisposable
{
    private static readonly TimeSpan JoinBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeathBound = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task ThreeSilos_OnTheEmbeddedTable_FormACluster_AndTheSurvivorsFindAKilledSiloDead()
    {
        var store = new ControlPlaneStoreOptions { Kind = ControlPlaneStoreOptions.EmbeddedKind, DataDirectory = _work.Path };

        // No Directory: the table goes under the embedded store's data directory.
        await using var silos = await TestSilos.StartAsync(3, new MembershipOptions(), store);
        await JoinKillAndDetectAsync(silos, "embedded");

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_work.Path, MembershipOptions.DefaultDirectoryName), "*.membership.json"));
        Assert.Equal(silos.ClusterId + ".membership.json", Path.GetFileName(file));
    }

    [Fact]
    public async Task ThreeSilos_OnThePostgresTable_FormACluster_AndTheSurvivorsFindAKilledSiloDead()
    {
        // No ConnectionString: the table borrows the PostgreSQL control-plane store's.
        var store = new ControlPlaneStoreOptions { Kind = ControlPlaneStoreOptions.PostgresKind, ConnectionString = await postgres.CreateDatabaseAsync() };

        await using var silos = await TestSilos.StartAsync(3, new MembershipOptions { Kind = MembershipOptions.PostgresKind }, store);
        await JoinKillAndDetectAsync(silos, "postgresql");
    }

    [Fact]
    public async Task ThreeSilos_OnRedis_FormACluster_WithTheRedisDirectory_AndTheSurvivorsFindAKilledSiloDead()
    {
        await using var redis = await RedisServer.StartAsync();
        var membership = new MembershipOptions { Kind = MembershipOptions.RedisKind, ConnectionString = redis.ConnectionString };

        await using var silos = await TestSilos.StartAsync(3, membership, new ControlPlaneStoreOptions());
        foreach (var host in silos.Hosts)
        {
            var directory = host.Services.GetRequiredKeyedService<IGrainDirectory>(GrainDirectoryAttribute.DEFAULT_GRAIN_DIRECTORY);
            Assert.Equal("RedisGrainDirectory", directory.GetType().Name);
        }

        await JoinKillAndDetectAsync(silos, "redis");

        // Orleans's Redis table: one hash per cluster, a field per silo plus the version.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var fields = await connection.GetDatabase().HashKeysAsync($"{TestSilos.ServiceId}/members/{silos.ClusterId}");
        Assert.Equal(4, fields.Length);
    }

    private async Task JoinKillAndDetectAsync(TestSilos silos, string kind)
    {
        await silos.WaitUntilAsync([0, 1, 2], snapshot => TestSilos.Count(snapshot, SiloStatus.Active) == 3, JoinBound, "3 active silos");
        output.WriteLine($"{kind}: three silos started and saw each other active in {silos.Started.TotalSeconds:0.0} s");

        var victim = silos.Address(2);
        var sinceKill = Stopwatch.StartNew();
        await silos.KillAsync(2);
        var killed = sinceKill.Elapsed;
        await silos.WaitUntilAsync(
            [0, 1],
            snapshot => snapshot.Members.TryGetValue(victim, out var member) && member.Status == SiloStatus.Dead
                && TestSilos.Count(snapshot, SiloStatus.Active) == 2,
            DeathBound,
            $"{victim} dead and 2 active silos");
        output.WriteLine($"{kind}: the killed silo was down {killed.TotalSeconds:0.0} s after the kill began; both survivors saw it dead {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill began");

        // The survivors declared it dead in the table itself: it never wrote its own death.
        var table = silos.Hosts[0].Services.GetRequiredService<IMembershipTable>();
        var (entry, _) = (await table.ReadRowAsync(victim)).Members.Single();
        Assert.Equal(SiloStatus.Dead, entry.Status);
        Assert.Contains(entry.SuspectTimes ?? [], vote => vote.Item1.Equals(silos.Address(0)) || vote.Item1.Equals(silos.Address(1)));
    }
}
