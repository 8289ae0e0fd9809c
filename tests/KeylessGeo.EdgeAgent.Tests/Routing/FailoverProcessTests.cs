using System.Globalization;
using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeAgent.Tests.Routing;

/// <summary>
/// A keyserver process killed with SIGKILL under load behind the agent: every request in flight
/// on it is answered (the datacenter path retries it on the other keyserver), none hangs, and
/// requests after the kill are served by the survivor.
/// </summary>
public sealed class FailoverProcessTests
{
    [Fact]
    public async Task KeyserverKilledUnderLoad_EveryRequestAnswered_TheSurvivorTakesOver()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        using var tls = TestTlsMaterial.Create();
        using var keys = new TestKeyDirectory();
        await keys.AddAsync("ec", TestKeyType.EcP256);
        await using var doomed = await KeyServerProcess.StartAsync(keys.Path, tls, new Dictionary<string, string> { ["KeyServer:Id"] = "ks-doomed" }, null, timeout.Token);
        await using var survivor = await KeyServerProcess.StartAsync(keys.Path, tls, new Dictionary<string, string> { ["KeyServer:Id"] = "ks-survivor" }, null, timeout.Token);
        await using var agent = await EdgeAgentTestHost.StartAsync(tls, "prc1", new Dictionary<string, string?>
        {
            ["Upstreams:Keyservers:0:Address"] = Https(doomed),
            ["Upstreams:Keyservers:1:Address"] = Https(survivor),
            ["Upstreams:Datacenter:RequestTimeout"] = "00:00:02",
            ["Agent:DefaultDeadline"] = "00:00:10",
        }, timeout.Token);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);
        var ski = keys.Ski("ec");

        var servedByDoomed = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int Callers = 16;
        const int AfterKill = 40;
        var callers = Enumerable.Range(0, Callers).Select(async caller =>
        {
            var answers = new List<(SignResponse Response, bool AfterKill)>();
            var afterKill = 0;
            for (var i = 0; afterKill < AfterKill; i++)
            {
                var startedAfterKill = killed.Task.IsCompleted;
                var response = await client.SignAsync(AgentRequests.EcdsaSha256((ulong)((caller * 100_000) + i), ski), cancellationToken: timeout.Token);
                answers.Add((response, startedAfterKill));
                afterKill += startedAfterKill ? 1 : 0;
                if (response.ServedBy?.KeyserverId == "ks-doomed" && Interlocked.Increment(ref servedByDoomed) == 50)
                {
                    // Both keyservers are taking traffic: kill one with requests in flight on it.
                    await doomed.KillAsync();
                    killed.TrySetResult();
                }
            }

            return answers;
        }).ToList();

        var all = (await Task.WhenAll(callers)).SelectMany(a => a).ToList();

        Assert.True(killed.Task.IsCompleted, "the doomed keyserver never took traffic");
        Assert.All(all, a => Assert.True(a.Response.Error is null, $"{a.Response.Error?.Code}: {a.Response.Error?.Message}"));
        Assert.All(all.Where(a => a.AfterKill), a => Assert.Equal("ks-survivor", a.Response.ServedBy.KeyserverId));
        Assert.Equal(Callers * AfterKill, all.Count(a => a.AfterKill));
    }

    private static string Https(KeyServerProcess keyserver) =>
        string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{keyserver.GrpcEndPoint.Port}");
}
