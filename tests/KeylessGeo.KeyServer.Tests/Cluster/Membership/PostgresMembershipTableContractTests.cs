using KeylessGeo.KeyServer.Cluster.Membership;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>
/// The membership-table contract against <see cref="PostgresMembershipTable"/> on a throwaway
/// PostgreSQL server, plus what only that table has: its schema created idempotently, also by
/// several instances at once.
/// </summary>
public sealed class PostgresMembershipTableContractTests(MembershipPostgresFixture postgres)
    : MembershipTableContract, IClassFixture<MembershipPostgresFixture>
{
    private string _connectionString = "";

    public override async Task InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    protected override IMembershipTable Create(string clusterId) =>
        new PostgresMembershipTable(_connectionString, clusterId, NullLogger<PostgresMembershipTable>.Instance);

    [Fact]
    public async Task InitializeMembershipTable_ByManyInstancesAtOnce_CreatesTheSchemaOnceAndKeepsTheRows()
    {
        var clusterId = NewClusterId();
        var first = await OpenAsync(clusterId);
        var entry = MembershipEntries.New();
        Assert.True(await first.InsertRowAsync(entry, (await first.ReadAllAsync()).Version.Next()));

        var tables = Enumerable.Range(0, 6).Select(_ => Create(clusterId)).ToArray();
        try
        {
            await Task.WhenAll(tables.Select(table => Task.Run(() => table.InitializeMembershipTableAsync(true))));

            var data = await tables[^1].ReadAllAsync();
            Assert.Equal(1, data.Version.Version);
            Assert.Equal(entry.SiloAddress, Assert.Single(data.Members).Item1.SiloAddress);
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand(
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('keyserver_membership_version', 'keyserver_membership_silo')", connection);
            Assert.Equal(2L, await count.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var table in tables.Cast<IAsyncDisposable>())
            {
                await table.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ReadAll_BeforeAnyInitialization_IsEmptyAtVersionZero_AndTheFirstInsertCreatesTheVersion()
    {
        // Orleans may call with tryInitTableVersion false: the schema exists, this cluster does not.
        var table = Create(NewClusterId());
        await using var disposable = (IAsyncDisposable)table;
        await table.InitializeMembershipTableAsync(false);

        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        Assert.True(await table.InsertRowAsync(MembershipEntries.New(), empty.Version.Next()));
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version);
    }
}
