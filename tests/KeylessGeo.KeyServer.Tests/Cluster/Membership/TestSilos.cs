using System.Diagnostics;
using System.Net;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster.Membership;
using KeylessGeo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using OrleansClusterOptions = Orleans.Configuration.ClusterOptions;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>
/// In-process Orleans silos on 127.0.0.1 free ports that form one cluster through
/// <see cref="SiloBuilderMembershipExtensions.UseKeyServerMembership"/>, each with its table
/// wrapped in a <see cref="SeverableMembershipTable"/> so one can be "killed". Disposing stops
/// every silo still running, without waiting for a graceful leave.
/// </summary>
internal sealed class TestSilos : IAsyncDisposable
{
    /// <summary>
    /// Failure-detection timings for tests, also a starting point for production on a LAN: a
    /// probe times out after 1 s, two missed probes make a silo suspect, two votes declare it
    /// dead; the table is re-read every 2 s and I-am-alive written every 2 s.
    /// </summary>
    public static readonly Action<ClusterMembershipOptions> FastFailureDetection = options =>
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
    };

    private readonly List<IHost> _hosts = [];
    private readonly List<IHost> _running = [];

    private TestSilos(string clusterId, CollectingLoggerProvider logs)
    {
        ClusterId = clusterId;
        Logs = logs;
    }

    /// <summary>The Orleans cluster id all silos share.</summary>
    public string ClusterId { get; }

    /// <summary>The Orleans service id all silos share.</summary>
    public const string ServiceId = "keylessgeo-membership-tests";

    /// <summary>Warnings and errors of every silo, for failure messages.</summary>
    public CollectingLoggerProvider Logs { get; }

    /// <summary>How long starting every silo took.</summary>
    public TimeSpan Started { get; private set; }

    /// <summary>The silos, in start order (stopped ones included).</summary>
    public IReadOnlyList<IHost> Hosts => _hosts;

    /// <summary>Starts <paramref name="count"/> silos at once.</summary>
    public static async Task<TestSilos> StartAsync(int count, MembershipOptions membership, ControlPlaneStoreOptions store)
    {
        var silos = new TestSilos("membership-" + Guid.NewGuid().ToString("N")[..10], new CollectingLoggerProvider(LogLevel.Warning));
        try
        {
            for (var i = 0; i < count; i++)
            {
                silos._hosts.Add(silos.Build(membership, store));
            }

            var started = Stopwatch.StartNew();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Task.WhenAll(silos._hosts.Select(async host =>
            {
                await host.StartAsync(bound.Token);
                lock (silos._running)
                {
                    silos._running.Add(host);
                }
            }));
            silos.Started = started.Elapsed;
        }
        catch
        {
            await silos.DisposeAsync();
            throw;
        }

        return silos;
    }

    /// <summary>The address of silo <paramref name="index"/>.</summary>
    public SiloAddress Address(int index) => _hosts[index].Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>
    /// Waits, within <paramref name="bound"/>, until every silo in <paramref name="observers"/>
    /// sees a membership snapshot that satisfies <paramref name="condition"/>; returns how long it took.
    /// </summary>
    public async Task<TimeSpan> WaitUntilAsync(IEnumerable<int> observers, Func<ClusterMembershipSnapshot, bool> condition, TimeSpan bound, string what)
    {
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(observers.Select(async index =>
        {
            var service = _hosts[index].Services.GetRequiredService<IClusterMembershipService>();
            using var timeout = new CancellationTokenSource(bound);
            try
            {
                if (condition(service.CurrentSnapshot))
                {
                    return;
                }

                await foreach (var snapshot in service.MembershipUpdates.WithCancellation(timeout.Token))
                {
                    if (condition(snapshot))
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
            }

            throw new TimeoutException(
                $"silo {index} did not see {what} within {bound}; it sees {Describe(service.CurrentSnapshot)}.\nLogs:\n{string.Join('\n', Logs.Messages.TakeLast(40))}");
        }));
        return elapsed.Elapsed;
    }

    /// <summary>
    /// Takes silo <paramref name="index"/> down as kill -9 would: cut off from the membership
    /// table (so it can neither declare itself dead nor gossip that it is leaving), then stopped
    /// without a graceful leave. Orleans retries a failed status write for up to
    /// <c>MaxJoinAttemptTime</c> while the silo keeps answering probes, so that bound is cut to
    /// nothing on this silo first (its options object is the one the runtime reads).
    /// </summary>
    public async Task KillAsync(int index)
    {
        var host = _hosts[index];
        host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.MaxJoinAttemptTime = TimeSpan.FromMilliseconds(1);
        host.Services.GetRequiredService<SeverableMembershipTable>().Sever();
        await StopAsync(host);
    }

    /// <summary>How many silos of <paramref name="snapshot"/> have <paramref name="status"/>.</summary>
    public static int Count(ClusterMembershipSnapshot snapshot, SiloStatus status) =>
        snapshot.Members.Values.Count(member => member.Status == status);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await StopAsync(host);
        }

        Logs.Dispose();
    }

    private static string Describe(ClusterMembershipSnapshot snapshot) =>
        string.Join(", ", snapshot.Members.Values.Select(member => $"{member.SiloAddress} {member.Status}"));

    private async Task StopAsync(IHost host)
    {
        bool running;
        lock (_running)
        {
            running = _running.Remove(host);
        }

        if (running)
        {
            using var now = new CancellationTokenSource();
            await now.CancelAsync();
            try
            {
                await host.StopAsync(now.Token);
            }
            catch (OperationCanceledException)
            {
                // Expected: nothing was allowed to wait.
            }
        }

        await DisposeHostAsync(host);
    }

    private static async Task DisposeHostAsync(IHost host)
    {
        try
        {
            await ((IAsyncDisposable)host).DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already (a killed silo).
        }
    }

    private IHost Build(MembershipOptions membership, ControlPlaneStoreOptions store)
    {
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        return Host.CreateDefaultBuilder()
            .UseOrleans(silo =>
            {
                silo.Configure<OrleansClusterOptions>(options =>
                {
                    options.ClusterId = ClusterId;
                    options.ServiceId = ServiceId;
                });
                silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: false);
                silo.Configure(FastFailureDetection);
                silo.UseKeyServerMembership(membership, store);
                SeverableMembershipTable.Decorate(silo.Services);
            })
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(Logs);
                logging.SetMinimumLevel(LogLevel.Warning);
            })
            .Build();
    }
}
