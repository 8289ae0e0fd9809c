using KeylessGeo.ControlPlane.Store.Postgres;
using KeylessGeo.ControlPlane.Store.Tests.Contract;

namespace KeylessGeo.ControlPlane.Store.Tests.Postgres;

/// <summary>
/// The shared store contract against PostgreSQL: each test gets a fresh database on the run's
/// cluster, every "other instance" is a separate store (its own pool and listening connection),
/// leases run on the database clock and really expire.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresFixture fixture) : ControlPlaneStoreContract
{
    private string _connectionString = "";

    protected override TimeSpan ShortLeaseTimeToLive => TimeSpan.FromMilliseconds(300);

    protected override async Task InitializeBackingAsync() => _connectionString = await fixture.CreateDatabaseAsync();

    protected override async Task<IControlPlaneStore> CreateInstanceAsync()
    {
        var store = new PostgresControlPlaneStore(new PostgresStoreOptions { ConnectionString = _connectionString, ChangeRetention = ChangeRetention });
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async Task TamperWithAuditAsync(IControlPlaneStore store, long sequence, string actor) =>
        Assert.Equal(1, await PostgresFixture.ExecuteAsync(_connectionString, "UPDATE audit_log SET actor = $1 WHERE sequence = $2", actor, sequence));

    protected override async Task RemoveAuditTailAsync(IControlPlaneStore store, int count) =>
        Assert.Equal(count, await PostgresFixture.ExecuteAsync(_connectionString,
            "DELETE FROM audit_log WHERE sequence > (SELECT max(sequence) FROM audit_log) - $1", (long)count));

    protected override void PassTime(TimeSpan by)
    {
        // The database clock moves by itself; expiry is awaited with a bounded poll.
    }
}
