using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeAgent.Tests.Routing;

/// <summary>Two keyservers advertising 1× and 3× capacity receive traffic in that ratio under steady load.</summary>
public sealed class CapacityWeightingEndToEndTests
{
    [Fact]
    public async Task SteadyLoad_SplitsByAdvertisedCapacity()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        using var tls = TestTlsMaterial.Create();
        using var keys = new TestKeyDirectory();
        await keys.AddAsync("ec", TestKeyType.EcP256);
        await using var small = await KeyServerTestHost.StartAsync(keys.Path, tls, new Dictionary<string, string?> { ["KeyServer:Id"] = "ks-1x" }, timeout.Token);
        await using var large = await KeyServerTestHost.StartAsync(keys.Path, tls, new Dictionary<string, string?> { ["KeyServer:Id"] = "ks-3x" }, timeout.Token);
        await using var agent = await EdgeAgentTestHost.StartAsync(tls, KeyServerTestHost.Datacenter, new Dictionary<string, string?>
        {
            ["Upstreams:Keyservers:0:Address"] = small.Address.GetLeftPart(UriPartial.Authority),
            ["Upstreams:Keyservers:0:Weight"] = "1",
            ["Upstreams:Keyservers:1:Address"] = large.Address.GetLeftPart(UriPartial.Authority),
            ["Upstreams:Keyservers:1:Weight"] = "3",
        }, timeout.Token);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);
        var ski = keys.Ski("ec");

        // Steady load below saturation: one handshake at a time, so each choice sees idle keyservers and
        // the split follows capacity alone. (Under queueing, least outstanding per unit of capacity
        // takes over, which follows the keyservers' real speed; here both run on one machine.)
        const int PerCaller = 8000;
        var servedBy = await Task.WhenAll(Enumerable.Range(0, 1).Select(async caller =>
        {
            var counts = new Dictionary<string, int>();
            for (var i = 0; i < PerCaller; i++)
            {
                var response = await client.SignAsync(AgentRequests.EcdsaSha256((ulong)((caller * PerCaller) + i), ski), cancellationToken: timeout.Token);
                Assert.True(response.Error is null, response.Error?.Message);
                counts[response.ServedBy.KeyserverId] = counts.GetValueOrDefault(response.ServedBy.KeyserverId) + 1;
            }

            return counts;
        }));

        var toSmall = servedBy.Sum(c => c.GetValueOrDefault("ks-1x"));
        var toLarge = servedBy.Sum(c => c.GetValueOrDefault("ks-3x"));
        Assert.Equal(PerCaller, toSmall + toLarge);
        // Expected 3.0; over 8,000 choices the ratio's standard deviation is about 0.08.
        Assert.InRange(toLarge / (double)toSmall, 2.7, 3.3);
    }
}
