using System.Globalization;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Postgres;
using KeylessGeo.Testing.Postgres;
using Npgsql;

namespace KeylessGeo.StoreBench;

/// <summary>
/// The PostgreSQL store on a throwaway cluster (Debian's server binaries, a free loopback port, a
/// temporary folder) started with production durability: fsync, synchronous commit and full-page
/// writes on. Bytes are the write-ahead log a commit generates.
/// </summary>
internal sealed class PostgresTarget : IBenchTarget
{
    private readonly PostgresCluster _cluster;
    private readonly string _connectionString;
    private readonly PostgresControlPlaneStore _store;

    private PostgresTarget(PostgresCluster cluster, string connectionString)
    {
        _cluster = cluster;
        _connectionString = connectionString;
        _store = new PostgresControlPlaneStore(new PostgresStoreOptions { ConnectionString = connectionString });
    }

    public string Name => "postgresql";

    public IControlPlaneStore Store => _store;

    public string BytesMeaning => "WAL bytes";

    public static async Task<PostgresTarget> StartAsync()
    {
        var cluster = await PostgresCluster.StartAsync(durable: true);
        return new PostgresTarget(cluster, await cluster.CreateDatabaseAsync("storebench_"));
    }

    public async Task<long> WrittenBytesAsync() => (long)(decimal)(await ScalarAsync("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"));

    public async Task<string> AfterLoadAsync()
    {
        var size = (long)await ScalarAsync("SELECT pg_database_size(current_database())");
        return string.Create(CultureInfo.InvariantCulture, $"database {size / 1e6:F0} MB, fsync on");
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private async Task<object> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())!;
    }
}
