using KeylessGeo.ControlPlane.Store.Postgres;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;
using Npgsql;

namespace KeylessGeo.ControlPlane.Store.Tests.Postgres;

/// <summary>
/// A PostgreSQL commit writes the rows it changes and the bookkeeping rows of one commit, whatever
/// else the database holds: every row written is counted by row-level triggers on every table.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRowWriteTests(PostgresFixture fixture) : IAsyncLifetime
{
    private const int SeededKeys = 500;
    private string _connectionString = "";
    private PostgresControlPlaneStore _store = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await fixture.CreateDatabaseAsync();
        _store = new PostgresControlPlaneStore(new PostgresStoreOptions { ConnectionString = _connectionString });
        await _store.CommitAsync(
            TestRecords.Change() with
            {
                UpsertPolicies = [.. Enumerable.Range(0, 20).Select(i => TestRecords.Policy($"policy-{i:D2}"))],
                UpsertKeys = [.. Enumerable.Range(0, SeededKeys).Select(i => TestRecords.Key($"key-{i:D4}", policyId: $"policy-{i % 20:D2}"))],
            },
            0,
            CancellationToken.None);
        await CountRowWritesAsync();
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task ASingleKeyUpsert_WritesThatKeyAndOneCommitsBookkeeping()
    {
        await _store.CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("key-0007", version: 2, policyId: "policy-07")] }, 1, CancellationToken.None);

        Assert.Equal(["audit_log INSERT 1", "changes INSERT 1", "keys UPDATE 1", "store_revision UPDATE 1"], await RowWritesAsync());
    }

    [Fact]
    public async Task ANewKeyAndADeletedKey_WriteOnlyThoseRows()
    {
        await _store.CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("key-new", policyId: "policy-01")], DeleteKeys = ["key-0003", "key-absent"] }, 1, CancellationToken.None);

        Assert.Equal(["audit_log INSERT 1", "changes INSERT 2", "keys DELETE 1", "keys INSERT 1", "store_revision UPDATE 1"], await RowWritesAsync());
    }

    [Fact]
    public async Task APolicyUpdate_RewritesOnlyThatPolicysWrappedKeys()
    {
        await _store.CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("policy-05", version: 2)] }, 1, CancellationToken.None);

        Assert.Equal(
            ["audit_log INSERT 1", "changes INSERT 1", "policies UPDATE 1", "policy_wrapped_keys DELETE 2", "policy_wrapped_keys INSERT 2", "store_revision UPDATE 1"],
            await RowWritesAsync());
    }

    /// <summary>Installs a counting trigger on every store table; rows written from now on are recorded in <c>row_writes</c>.</summary>
    private async Task CountRowWritesAsync()
    {
        await PostgresFixture.ExecuteAsync(_connectionString, """
            CREATE TABLE row_writes (table_name text NOT NULL, operation text NOT NULL);
            CREATE FUNCTION count_row_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO row_writes VALUES (TG_TABLE_NAME, TG_OP);
                RETURN NULL;
            END $$;
            DO $$
            DECLARE t text;
            BEGIN
                FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('row_writes', 'schema_migrations') LOOP
                    EXECUTE format('CREATE TRIGGER count_row_writes AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION count_row_write()', t);
                END LOOP;
            END $$;
            """);
    }

    private async Task<List<string>> RowWritesAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name || ' ' || operation || ' ' || count(*) FROM row_writes GROUP BY table_name, operation ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
