using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Diagnostics;
using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeAgent.Tests.Routing;

/// <summary>
/// The timeout and retry rules of DESIGN.md's table, against real keyservers and misbehaving
/// stand-ins (a black hole that accepts and never answers; a keyserver that reads and never answers).
/// </summary>
public sealed class PathRulesEndToEndTests : IAsyncLifetime
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _keys = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));

    public async Task InitializeAsync()
    {
        await _keys.AddAsync("ec", TestKeyType.EcP256);
        await _keys.AddAsync("rsa", TestKeyType.Rsa2048Pkcs8);
    }

    public Task DisposeAsync()
    {
        _keys.Dispose();
        _tls.Dispose();
        _timeout.Dispose();
        return Task.CompletedTask;
    }

    private Task<KeyServerTestHost> StartKeyserverAsync(string id, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? []) { ["KeyServer:Id"] = id };
        return KeyServerTestHost.StartAsync(_keys.Path, _tls, all, _timeout.Token);
    }

    private static string Address(KeyServerTestHost keyserver) => keyserver.Address.GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task LocalKeyserverUnreachable_ConnectTimesOutShort_AndTheDatacenterAnswers()
    {
        using var local = new BlackHole();
        await using var other = await StartKeyserverAsync("ks-other");
        await using var agent = await EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, new Dictionary<string, string?>
        {
            ["Upstreams:LocalKeyserver"] = local.Address,
            ["Upstreams:Local:ConnectTimeout"] = "00:00:00.2",
            ["Upstreams:Keyservers:0:Address"] = Address(other),
        }, _timeout.Token);
        using var agentMetrics = new MetricTotals(EdgeAgentInstruments.MeterName, agent.Services);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);

        var response = await client.SignAsync(AgentRequests.EcdsaSha256(1, _keys.Ski("ec")), cancellationToken: _timeout.Token);

        Assert.True(response.Error is null, response.Error?.Message);
        Assert.Equal("ks-other", response.ServedBy.KeyserverId);
        Assert.True(local.Accepted >= 1, "the agent never tried the node-local keyserver");
        Assert.Equal(1, agentMetrics.Sum(EdgeAgentInstruments.LocalBypassed, (EdgeAgentInstruments.ReasonTag, "unreachable")));
    }

    [Fact]
    public async Task SlowLocalKeyserver_DeadlineExceeded_WithoutRetry()
    {
        await using var local = await SilentKeyServer.StartAsync();
        await using var other = await StartKeyserverAsync("ks-other");
        await using var agent = await EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, new Dictionary<string, string?>
        {
            ["Upstreams:LocalKeyserver"] = local.Address,
            ["Upstreams:Local:RequestTimeout"] = "00:00:00.3",
            ["Upstreams:Keyservers:0:Address"] = Address(other),
        }, _timeout.Token);
        using var agentMetrics = new MetricTotals(EdgeAgentInstruments.MeterName, agent.Services);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);

        using var keyserverMetrics = new MetricTotals(KeyServerInstruments.MeterName, other.Services);
        var response = await client.SignAsync(AgentRequests.EcdsaSha256(1, _keys.Ski("ec")), cancellationToken: _timeout.Token);

        Assert.Equal(ErrorCode.DeadlineExceeded, response.Error?.Code);
        Assert.Equal(1, local.Received);
        Assert.Equal(0, keyserverMetrics.Sum(KeyServerInstruments.Operations));
    }

    [Fact]
    public async Task EveryKeyserverAtItsInFlightBound_RequestIsRefusedOverloadedAtOnce_NeverSent()
    {
        await using var local = await SilentKeyServer.StartAsync();
        await using var agent = await EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, new Dictionary<string, string?>
        {
            ["Upstreams:LocalKeyserver"] = local.Address,
            ["Upstreams:MaxInFlightPerUpstream"] = "2",
        }, _timeout.Token);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);

        // Two requests take the node-local keyserver's two slots and stay there (it never answers).
        var held = new[] { 1UL, 2UL }.Select(id => client.SignAsync(AgentRequests.EcdsaSha256(id, _keys.Ski("ec")), cancellationToken: abandon.Token).ResponseAsync).ToArray();
        while (local.Received < 2)
        {
            await Task.Delay(20, _timeout.Token);
        }

        var refused = await client.SignAsync(AgentRequests.EcdsaSha256(3, _keys.Ski("ec")), cancellationToken: _timeout.Token);

        Assert.Equal(ErrorCode.Overloaded, refused.Error?.Code);
        Assert.Equal(2, local.Received);
        Assert.All(held, h => Assert.False(h.IsCompleted));
        await abandon.CancelAsync();
    }

    [Fact]
    public async Task BlackHoledKeyserver_IsRetriedElsewhere_WithinTheDeadline()
    {
        using var blackHole = new BlackHole();
        await using var good = await StartKeyserverAsync("ks-good");
        await using var agent = await EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, new Dictionary<string, string?>
        {
            ["Upstreams:Keyservers:0:Address"] = blackHole.Address,
            ["Upstreams:Keyservers:1:Address"] = Address(good),
            ["Upstreams:Datacenter:RequestTimeout"] = "00:00:01",
            ["Agent:DefaultDeadline"] = "00:00:10",
        }, _timeout.Token);
        using var agentMetrics = new MetricTotals(EdgeAgentInstruments.MeterName, agent.Services);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);

        const int Requests = 20;
        for (var i = 1; i <= Requests; i++)
        {
            var response = await client.SignAsync(AgentRequests.EcdsaSha256((ulong)i, _keys.Ski("ec")), cancellationToken: _timeout.Token);
            Assert.True(response.Error is null, response.Error?.Message);
            Assert.Equal("ks-good", response.ServedBy.KeyserverId);
        }

        var answered = agentMetrics.Sum(EdgeAgentInstruments.Attempts, (EdgeAgentInstruments.OutcomeTag, "answered"));
        var failed = agentMetrics.Sum(EdgeAgentInstruments.Attempts) - answered;
        Assert.True(agentMetrics.Sum(EdgeAgentInstruments.Attempts, (EdgeAgentInstruments.OutcomeTag, "timeout")) >= 1, "the black hole was never tried");
        Assert.Equal(Requests, answered);

        // Every failed attempt was followed by exactly one retry elsewhere.
        Assert.Equal(failed, agentMetrics.Sum(EdgeAgentInstruments.Retries));
    }

    [Fact]
    public async Task EveryKeyserverBlackHoled_AttemptsNeverExceedTheCap_AndEachRequestIsAnswered()
    {
        using var holes = new DisposableList<BlackHole>([new BlackHole(), new BlackHole(), new BlackHole(), new BlackHole(), new BlackHole()]);
        var settings = new Dictionary<string, string?>
        {
            ["Upstreams:Datacenter:RequestTimeout"] = "00:00:00.2",
            ["Upstreams:Datacenter:MaxAttempts"] = "3",
            ["Agent:DefaultDeadline"] = "00:00:10",
        };
        for (var i = 0; i < holes.Items.Count; i++)
        {
            settings[$"Upstreams:Keyservers:{i}:Address"] = holes.Items[i].Address;
        }

        await using var agent = await EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, settings, _timeout.Token);
        using var agentMetrics = new MetricTotals(EdgeAgentInstruments.MeterName, agent.Services);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);

        const int Requests = 4;
        for (var i = 1; i <= Requests; i++)
        {
            var response = await client.SignAsync(AgentRequests.EcdsaSha256((ulong)i, _keys.Ski("ec")), cancellationToken: _timeout.Token);
            Assert.Contains(response.Error?.Code, new ErrorCode?[] { ErrorCode.DeadlineExceeded, ErrorCode.Unavailable });
        }

        Assert.InRange(agentMetrics.Sum(EdgeAgentInstruments.Attempts), 1, 3 * Requests);
    }

    [Fact]
    public async Task Overloaded_IsNeverRetried_AndOtherRequestsStillSucceed()
    {
        await using var tiny = await StartKeyserverAsync("ks-tiny", new() { ["KeyServer:Admission:Workers"] = "1", ["KeyServer:Admission:QueueLimit"] = "1" });
        await using var roomy = await StartKeyserverAsync("ks-roomy");
        await using var agent = await EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, new Dictionary<string, string?>
        {
            ["Upstreams:Keyservers:0:Address"] = Address(tiny),
            ["Upstreams:Keyservers:1:Address"] = Address(roomy),
        }, _timeout.Token);
        using var agentMetrics = new MetricTotals(EdgeAgentInstruments.MeterName, agent.Services);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);

        using var keyserverMetrics = new MetricTotals(KeyServerInstruments.MeterName, tiny.Services, roomy.Services);
        const int Concurrency = 48;
        const int PerWorker = 20;
        var answers = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async worker =>
        {
            var mine = new List<SignResponse>(PerWorker);
            for (var i = 0; i < PerWorker; i++)
            {
                mine.Add(await client.SignAsync(AgentRequests.RsaSha256((ulong)((worker * PerWorker) + i), _keys.Ski("rsa")), cancellationToken: _timeout.Token));
            }

            return mine;
        }));
        var all = answers.SelectMany(a => a).ToList();

        var overloaded = all.Count(a => a.Error?.Code == ErrorCode.Overloaded);
        Assert.True(overloaded > 0, "the tiny keyserver was never overloaded; the test proves nothing");
        Assert.All(all.Where(a => a.Error?.Code == ErrorCode.Overloaded), a => Assert.Equal("ks-tiny", a.ServedBy.KeyserverId));
        Assert.All(all.Where(a => a.Error?.Code != ErrorCode.Overloaded), a => Assert.True(a.Error is null, a.Error?.Message));

        // Each request reached exactly one keyserver exactly once: nothing was re-sent after OVERLOADED.
        Assert.Equal(overloaded, keyserverMetrics.Sum(KeyServerInstruments.Operations, (KeyServerInstruments.ErrorCodeTag, "OVERLOADED")));
        Assert.Equal(all.Count, keyserverMetrics.Sum(KeyServerInstruments.Operations));
    }
}
