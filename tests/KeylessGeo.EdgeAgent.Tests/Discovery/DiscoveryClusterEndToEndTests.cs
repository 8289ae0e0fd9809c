using System.Globalization;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.EdgeAgent.Upstreams;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.EdgeAgent.Tests.Discovery;

/// <summary>
/// The agent and a real cluster together: an agent configured with only its node-local keyserver
/// learns the datacenter's other member from the cluster (<c>WatchKeyservers</c>), and when the
/// node-local keyserver is killed with SIGKILL, the member it only knows from discovery serves.
/// </summary>
public sealed class DiscoveryClusterEndToEndTests
{
    private const string Datacenter = "fra1";

    [Fact]
    public async Task AgentLearnsTheDatacentersOtherKeyserver_AndItServesWhenTheLocalOneDies()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var root = Directory.CreateTempSubdirectory("keylessgeo-agent-cluster-");
        try
        {
            using var tls = TestTlsMaterial.Create();
            using var keys = new TestKeyDirectory();
            await keys.AddAsync("ec", TestKeyType.EcP256);
            var storeDirectory = Directory.CreateDirectory(Path.Combine(root.FullName, "store")).FullName;
            await SeedTopologyAsync(storeDirectory, timeout.Token);

            await using var local = await StartMemberAsync("ks-local", keys, tls, storeDirectory, root.FullName, timeout.Token);
            await using var other = await StartMemberAsync("ks-other", keys, tls, storeDirectory, root.FullName, timeout.Token);
            await using var agent = await EdgeAgentTestHost.StartAsync(tls, Datacenter, new Dictionary<string, string?>
            {
                ["Upstreams:LocalKeyserver"] = Https(local),
                ["Upstreams:Discover"] = "true",
                ["Upstreams:Datacenter:RequestTimeout"] = "00:00:02",
            }, timeout.Token);

            // Nothing configured names ks-other: only the cluster's list can bring it.
            var pool = agent.Services.GetRequiredService<UpstreamPool>();
            using (var discovered = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
            {
                discovered.CancelAfter(TimeSpan.FromSeconds(60));
                while (!pool.Current.Datacenter.Any(u => u.Id == "ks-other"))
                {
                    Assert.False(discovered.IsCancellationRequested, "ks-other never joined the agent's upstreams. Agent: " + string.Join(" | ", agent.Logs.Messages));
                    await Task.Delay(50, CancellationToken.None);
                }
            }

            using var channel = agent.CreateChannel();
            var client = new Contracts.V1.KeyServer.KeyServerClient(channel);
            var before = await client.SignAsync(AgentRequests.EcdsaSha256(1, keys.Ski("ec")), cancellationToken: timeout.Token);
            Assert.Null(before.Error);
            Assert.Equal("ks-local", before.ServedBy.KeyserverId);

            await local.KillAsync();
            for (ulong id = 2; id < 22; id++)
            {
                var after = await client.SignAsync(AgentRequests.EcdsaSha256(id, keys.Ski("ec")), cancellationToken: timeout.Token);
                Assert.True(after.Error is null, $"request {id}: {after.Error?.Code} {after.Error?.Message}");
                Assert.Equal("ks-other", after.ServedBy.KeyserverId);
            }
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static async Task SeedTopologyAsync(string storeDirectory, CancellationToken cancellationToken)
    {
        var store = ControlPlaneStoreFactory.Create(new ControlPlaneStoreOptions { Kind = "embedded", DataDirectory = storeDirectory });
        await using (store.ConfigureAwait(false))
        {
            var revision = await store.GetRevisionAsync(cancellationToken);
            await store.CommitAsync(
                new ChangeSet
                {
                    Audit = new AuditDraft("test", "topology.replace", "topology", "{}"),
                    ReplaceTopology = [new DatacenterRecord { Id = Datacenter, Region = "EU", Country = "DE", Tier = "standard", Labels = [] }],
                },
                revision,
                cancellationToken);
        }
    }

    private static Task<KeyServerProcess> StartMemberAsync(
        string id, TestKeyDirectory keys, TestTlsMaterial tls, string storeDirectory, string root, CancellationToken cancellationToken) =>
        KeyServerProcess.StartAsync(
            keys.Path,
            tls,
            ClusterProcessSettings.For(id, Datacenter, storeDirectory, Path.Combine(root, Datacenter + "-wrapping-key.pem"), FreePort.Next()),
            null,
            cancellationToken);

    private static string Https(KeyServerProcess keyserver) =>
        string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{keyserver.GrpcEndPoint.Port}");
}
