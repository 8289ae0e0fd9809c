using KeylessGeo.Testing.Postgres;

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
    public Task<string> CreateDatabaseAsync() => Cluster.CreateDatabaseAsync("membership_");
}
