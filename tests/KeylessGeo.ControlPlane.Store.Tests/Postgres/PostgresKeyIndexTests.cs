using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Store.Postgres;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Postgres;

/// <summary>
/// The key index columns of migration 0004 in PostgreSQL: a database at 0003 migrates with its rows
/// intact (no recorded addresses, a digest computed when read), and a key index page reads no bulky
/// column a keyserver does not need.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresKeyIndexTests(PostgresFixture fixture) : IAsyncLifetime
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
    public async Task AKeyWrittenAtMigration0003_ReadsWithoutAddressesAndWithItsDigest_OnEveryPath_UntilRewritten()
    {
        // A database as the build before 0004 left it: migrations 1 to 3 and a key row without the new columns.
        await PostgresFixture.ExecuteAsync(_connectionString,
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        foreach (var migration in PostgresMigrator.Migrations.Where(m => m.Version <= 3))
        {
            await PostgresFixture.ExecuteAsync(_connectionString, migration.Sql);
            await PostgresFixture.ExecuteAsync(_connectionString, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.Version, migration.Name);
        }

        var old = TestRecords.Key("old");
        await PostgresFixture.ExecuteAsync(_connectionString,
            "INSERT INTO keys (key_id, policy_id, version, algorithm, subject_public_key_info, ski, cert_digest, certificate_pem, host_names, " +
            "policy_key_generation, wrapped_private_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            old.KeyId, old.PolicyId, old.Version, old.Algorithm, old.SubjectPublicKeyInfo, old.Ski, old.CertDigest!, old.CertificatePem!,
            old.HostNames.ToArray(), old.PolicyKeyGeneration, old.WrappedPrivateKey, old.CreatedAt, old.UpdatedAt);

        var store = Open();
        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal(4, await PostgresFixture.ScalarAsync<int>(_connectionString, "SELECT max(version) FROM schema_migrations"));
        Assert.Equal(1, await PostgresFixture.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM keys WHERE ip_addresses IS NULL AND content_digest IS NULL"));
        var expected = ManagedKeyContent.Digest(old);
        var full = Assert.Single((await store.ReadSnapshotAsync(CancellationToken.None)).Keys);
        var byId = Assert.Single((await store.ReadRecordsAsync([new RecordId(ChangeKind.Key, "old")], CancellationToken.None)).Keys);
        var index = Assert.Single((await store.ReadKeyIndexPageAsync(null, 10, CancellationToken.None)).Keys);
        foreach (var read in new[] { full, byId, index })
        {
            Assert.Null(read.IpAddresses);
            Assert.Equal(expected, read.ContentDigest);
        }

        RecordAssert.Equal(old, full);

        // Without recorded addresses the index page keeps the certificate (its reader parses it), never the wrapped key.
        Assert.Empty(index.WrappedPrivateKey);
        Assert.Equal(old.CertificatePem, index.CertificatePem);

        // Rewritten by a commit, the row has both columns and the index page drops the certificate too.
        await store.CommitAsync(TestRecords.Change() with { UpsertKeys = [old with { IpAddresses = [] }] }, 0, CancellationToken.None);
        Assert.Equal(expected, await PostgresFixture.ScalarAsync<byte[]>(_connectionString, "SELECT content_digest FROM keys WHERE key_id = 'old'"));
        var rewritten = Assert.Single((await store.ReadKeyIndexPageAsync(null, 10, CancellationToken.None)).Keys);
        Assert.Equal(expected, rewritten.ContentDigest);
        Assert.True(rewritten.IpAddresses is { IsEmpty: true });
        Assert.Null(rewritten.CertificatePem);
    }

    [Fact]
    public async Task AKeyIndexPage_ReadsNoWrappedKeyAndNoCertificateOfAKeyWithRecordedAddresses()
    {
        var store = Open();
        await store.CommitAsync(
            TestRecords.Change() with { UpsertKeys = [.. Enumerable.Range(0, 5).Select(i => TestRecords.Key($"k{i}") with { IpAddresses = [[10, 0, 0, (byte)i]] })] },
            0, CancellationToken.None);

        var page = await store.ReadKeyIndexPageAsync(null, 3, CancellationToken.None);
        var next = await store.ReadKeyIndexPageAsync(page.LastKeyId, 3, CancellationToken.None);

        Assert.Equal(["k0", "k1", "k2", "k3", "k4"], page.Keys.Concat(next.Keys).Select(k => k.KeyId));
        Assert.All(page.Keys.Concat(next.Keys), k =>
        {
            Assert.Empty(k.WrappedPrivateKey);
            Assert.Null(k.CertificatePem);
            Assert.Equal(TestRecords.Key(k.KeyId).SubjectPublicKeyInfo, k.SubjectPublicKeyInfo);
            Assert.Equal(ManagedKeyContent.Digest(TestRecords.Key(k.KeyId)), k.ContentDigest);
        });
    }

    private PostgresControlPlaneStore Open()
    {
        var store = new PostgresControlPlaneStore(new PostgresStoreOptions { ConnectionString = _connectionString, ListenerHeartbeat = TimeSpan.FromSeconds(30) });
        _stores.Add(store);
        return store;
    }
}
