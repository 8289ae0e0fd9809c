using KeylessGeo.Testing.Redis;
using StackExchange.Redis;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>The Redis test server: answers on its port, keeps nothing on disk, and is gone after dispose.</summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task StartAsync_ServesOnLoopback_WithoutPersistence_AndDisposeKillsTheProcessAndFolder()
    {
        var server = await RedisServer.StartAsync();
        var pid = server.ProcessId;
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
            var database = connection.GetDatabase();
            await database.StringSetAsync("k", "v");
            Assert.Equal("v", (string?)await database.StringGetAsync("k"));
            var redis = connection.GetServer(server.ConnectionString);
            Assert.Equal("", (await redis.ConfigGetAsync("save")).Single().Value);
            Assert.Equal("no", (await redis.ConfigGetAsync("appendonly")).Single().Value);
            Assert.Equal("127.0.0.1", (await redis.ConfigGetAsync("bind")).Single().Value);
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"redis-server {pid} still runs");
        Assert.False(Directory.Exists(server.Folder));
    }
}
