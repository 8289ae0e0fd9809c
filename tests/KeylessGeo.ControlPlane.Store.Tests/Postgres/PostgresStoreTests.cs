using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Postgres;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Store.Tests.Postgres;

/// <summary>What only the PostgreSQL store has: migrations, a server that can be away, a listening connection that can drop.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresFixture fixture) : IAsyncLifetime
{
    private readonly List<PostgresControlPlaneStore> _stores = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await fixture.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrations_AppliedTwice_AreANoOpTheSecondTime()
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(_connectionString);

        var first = await PostgresMigrator.ApplyAsync(dataSource, CancellationToken.None);
        var second = await PostgresMigrator.ApplyAsync(dataSource, CancellationToken.None);

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version), first);
        Assert.Empty(second);
        Assert.Equal(PostgresMigrator.Migrations.Count, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM schema_migrations"));
        Assert.Equal(0, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT revision FROM store_revision"));
    }

    [Fact]
    public async Task StoresStartingAtOnce_ApplyEachMigrationExactlyOnce()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Open()).ToArray();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(CancellationToken.None))));

        Assert.Equal(PostgresMigrator.Migrations.Count, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM schema_migrations"));
        Assert.Equal(1, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM store_revision"));
    }

    [Fact]
    public async Task MigratedDatabase_KeepsItsDataWhenAStoreOpensItAgain()
    {
        var first = Open();
        await first.CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1")] }, 0, CancellationToken.None);

        var second = Open();
        await second.InitializeAsync(CancellationToken.None);

        Assert.Equal(1, await second.GetRevisionAsync(CancellationToken.None));
        Assert.Single((await second.ReadSnapshotAsync(CancellationToken.None)).Keys);
    }

    [Fact]
    public async Task EveryOperation_AgainstAServerThatIsNotThere_ThrowsStoreUnavailable()
    {
        var nowhere = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=none;Timeout=3";
        await using var store = new PostgresControlPlaneStore(new PostgresStoreOptions { ConnectionString = nowhere });
        var none = CancellationToken.None;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadSnapshotAsync(none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetRevisionAsync(none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(TestRecords.Change(), 0, none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadChangesAsync(0, 10, none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.WaitForChangeAsync(0, none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RenewLeaseAsync(TestRecords.Lease("ks-1"), TimeSpan.FromSeconds(5), none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RemoveLeaseAsync("ks-1", none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadLiveLeasesAsync(none));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadAuditAsync(1, 10, none));
    }

    [Fact]
    public async Task AfterTheServerDropsEveryConnection_CallsFailOnlyAsUnavailableAndThenRecover()
    {
        var store = Open();
        await store.CommitAsync(TestRecords.Change(), 0, CancellationToken.None);
        Assert.Equal(1, await store.WaitForChangeAsync(0, Bounded()));

        var terminated = await PostgresFixture.ScalarAsync<long>(_connectionString,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");

        Assert.True(terminated >= 1);
        var failures = new List<Exception>();
        var commits = 0;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                var revision = await store.GetRevisionAsync(CancellationToken.None);
                await store.CommitAsync(TestRecords.Change(), revision, CancellationToken.None);
                commits++;
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        Assert.All(failures, e => Assert.IsType<StoreUnavailableException>(e));
        Assert.True(commits > 0, "the store never recovered");
        Assert.Equal(1 + commits, await store.GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DroppedListeningConnection_Reconnects_AndAWaiterStillSeesCommitsMadeMeanwhile()
    {
        var writer = Open();
        var follower = Open();
        Assert.Equal(0, await follower.WaitForChangeAsync(-1, Bounded()));
        await Eventually.MatchAsync(() => Task.FromResult(follower.ListenerConnects), n => n == 1, "the listener connecting");
        var waiting = follower.WaitForChangeAsync(0, Bounded());

        var terminated = await PostgresFixture.ScalarAsync<long>(_connectionString,
            $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '{PostgresControlPlaneStore.ListenerApplicationName}'");
        await writer.CommitAsync(TestRecords.Change(), 0, CancellationToken.None);

        Assert.Equal(1, terminated);
        Assert.Equal(1, await waiting);
        await Eventually.MatchAsync(() => Task.FromResult(follower.ListenerConnects), n => n >= 2, "the listener reconnecting");
        var next = follower.WaitForChangeAsync(1, Bounded());
        await writer.CommitAsync(TestRecords.Change(), 1, CancellationToken.None);
        Assert.Equal(2, await next);
    }

    [Fact]
    public async Task StoredRows_AreReadableWithPlainSql()
    {
        var store = Open();
        await store.CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("eu-only")], UpsertKeys = [TestRecords.Key("k1")] }, 0, CancellationToken.None);

        Assert.Equal("eu-only", await PostgresFixture.ScalarAsync<string>(_connectionString, "SELECT policy_id FROM keys WHERE key_id = 'k1'"));
        Assert.Equal(2, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM policy_wrapped_keys WHERE policy_id = 'eu-only'"));
        Assert.Equal(1, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT max(sequence) FROM audit_log"));
    }

    [Fact]
    public async Task LeaseWrittenBeforeTheClusterViewMigration_ReadsBackWithAnEmptyView()
    {
        var initial = PostgresMigrator.Migrations[0];
        Assert.Equal(1, initial.Version);
        await PostgresFixture.ExecuteAsync(_connectionString, initial.Sql);
        await PostgresFixture.ExecuteAsync(_connectionString,
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        await PostgresFixture.ExecuteAsync(_connectionString, "INSERT INTO schema_migrations (version, name) VALUES (1, $1)", initial.Name);
        await PostgresFixture.ExecuteAsync(_connectionString,
            "INSERT INTO leases (keyserver_id, datacenter_id, endpoints, capacity_names, capacity_values, accelerator, applied_revision, renewed_at, expires_at) " +
            "VALUES ('ks-old', 'fra1', '{}', '{}', '{}', 'none', 3, now(), now() + interval '1 hour')");

        var store = Open();
        await store.InitializeAsync(CancellationToken.None);

        var lease = Assert.Single(await store.ReadLiveLeasesAsync(CancellationToken.None));
        Assert.Equal("ks-old", lease.KeyserverId);
        Assert.Equal(3, lease.AppliedRevision);
        Assert.Equal("", lease.ClusterId);
        Assert.Empty(lease.ClusterMembers);
        Assert.Equal(0, lease.ClusterVersion);
    }

    [Fact]
    public async Task DeletingAPolicy_RemovesItsWrappedKeysToo()
    {
        var store = Open();
        await store.CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("eu-only")] }, 0, CancellationToken.None);

        await store.CommitAsync(TestRecords.Change() with { DeletePolicies = ["eu-only"] }, 1, CancellationToken.None);

        Assert.Equal(0, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM policy_wrapped_keys"));
    }

    [Fact]
    public async Task AnOlderRowEditedInTheDatabase_IsFoundWhenAPageNextToItIsRead_AndCommitsAreRefused()
    {
        var store = Open();
        for (var revision = 0; revision < 4; revision++)
        {
            await store.CommitAsync(TestRecords.Change(), revision, CancellationToken.None);
        }

        Assert.Equal(1, await PostgresFixture.ExecuteAsync(_connectionString, "UPDATE audit_log SET details = '{}' WHERE sequence = 2"));
        Assert.True((await store.CheckIntegrityAsync(CancellationToken.None)).IsIntact, "a check reads only rows from the newest verified one");

        var page = await store.ReadAuditAsync(3, 10, CancellationToken.None);
        var report = await store.CheckIntegrityAsync(CancellationToken.None);

        Assert.Equal([3L, 4L], page.Select(e => e.Sequence));
        var problem = Assert.Single(report.Problems);
        Assert.Equal(StoreIntegrityCodes.AuditChainBroken, problem.Code);
        Assert.Equal(2, problem.Sequence);
        Assert.Equal(PostgresIntegrity.Table, problem.Location);
        await Assert.ThrowsAsync<StoreIntegrityException>(() => store.CommitAsync(TestRecords.Change(), 4, CancellationToken.None));
        Assert.Equal(4, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT revision FROM store_revision"));
    }

    private PostgresControlPlaneStore Open()
    {
        var store = new PostgresControlPlaneStore(new PostgresStoreOptions { ConnectionString = _connectionString, ListenerHeartbeat = TimeSpan.FromSeconds(30) });
        _stores.Add(store);
        return store;
    }

    private static CancellationToken Bounded() => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;
}
