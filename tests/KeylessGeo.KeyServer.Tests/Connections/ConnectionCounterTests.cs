using KeylessGeo.Serving.Connections;

namespace KeylessGeo.KeyServer.Tests.Connections;

public sealed class ConnectionCounterTests
{
    [Fact]
    public void TryAcquire_RefusesTheClientOverItsLimit_WhileOtherClientsStillConnect()
    {
        var counter = new ConnectionCounter(new ConnectionLimits { Endpoint = "test", MaxConnections = 10, MaxConnectionsPerClient = 2 });

        Assert.Equal(ConnectionRefusal.None, counter.TryAcquire("CN=a"));
        Assert.Equal(ConnectionRefusal.None, counter.TryAcquire("CN=a"));
        Assert.Equal(ConnectionRefusal.Client, counter.TryAcquire("CN=a"));
        Assert.Equal(ConnectionRefusal.None, counter.TryAcquire("CN=b"));

        Assert.Equal(3, counter.Open);
        Assert.Equal(2, counter.OpenFor("CN=a"));
        Assert.Equal(1, counter.OpenFor("CN=b"));
    }

    [Fact]
    public void TryAcquire_RefusesEveryoneAtTheEndpointLimit_AndAdmitsAgainAfterARelease()
    {
        var counter = new ConnectionCounter(new ConnectionLimits { Endpoint = "test", MaxConnections = 3, MaxConnectionsPerClient = 3 });
        Assert.Equal(ConnectionRefusal.None, counter.TryAcquire("CN=a"));
        Assert.Equal(ConnectionRefusal.None, counter.TryAcquire("CN=b"));
        Assert.Equal(ConnectionRefusal.None, counter.TryAcquire(null));

        Assert.Equal(ConnectionRefusal.Endpoint, counter.TryAcquire("CN=c"));
        Assert.Equal(ConnectionRefusal.Endpoint, counter.TryAcquire(null));
        counter.Release("CN=b");

        Assert.Equal(ConnectionRefusal.None, counter.TryAcquire("CN=c"));
        Assert.Equal(0, counter.OpenFor("CN=b"));
        Assert.Equal(3, counter.Open);
    }

    [Fact]
    public void Release_ForgetsAClientWithNoConnectionLeft()
    {
        var counter = new ConnectionCounter(new ConnectionLimits { Endpoint = "test", MaxConnections = 100, MaxConnectionsPerClient = 1 });
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(ConnectionRefusal.None, counter.TryAcquire("CN=edge"));
            Assert.Equal(ConnectionRefusal.Client, counter.TryAcquire("CN=edge"));
            counter.Release("CN=edge");
        }

        Assert.Equal(0, counter.Open);
        Assert.Equal(0, counter.OpenFor("CN=edge"));
    }

    [Fact]
    public async Task TryAcquire_FromManyThreads_NeverAdmitsMoreThanTheLimit()
    {
        var counter = new ConnectionCounter(new ConnectionLimits { Endpoint = "test", MaxConnections = 64, MaxConnectionsPerClient = 16 });
        var admitted = 0;
        var peak = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var client = "CN=" + ((worker + i) % 6);
                if (counter.TryAcquire(client) == ConnectionRefusal.None)
                {
                    var now = Interlocked.Increment(ref admitted);
                    InterlockedMax(ref peak, now);
                    Assert.True(counter.OpenFor(client) <= 16);
                    Interlocked.Decrement(ref admitted);
                    counter.Release(client);
                }
            }
        })));

        Assert.InRange(peak, 1, 64);
        Assert.Equal(0, counter.Open);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }
}
