using KeylessGeo.Testing.Postgres;
using Npgsql;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>
/// One throwaway PostgreSQL cluster for the membership tests of a class (started once, stopped
/// and deleted when the class ends, even if tests failed); each caller gets its own database.
/// </summary>
public sealed class MembershipPostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    public async Task InitializeAsync() => _cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "membership_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(Cluster.ConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return Cluster.ConnectionString(name);
    }
}
