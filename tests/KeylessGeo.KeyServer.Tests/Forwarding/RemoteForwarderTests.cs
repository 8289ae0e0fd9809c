using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Forwarding;

namespace KeylessGeo.KeyServer.Tests.Forwarding;

public sealed class RemoteForwarderTests
{
    private static readonly string[] FraAndSfo = ["fra1", "sfo1"];

    [Fact]
    public async Task Forward_WhenTheUpstreamAnswers_ReturnsItsResponseUnchanged_WithTheForwardedByHeader()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1");
        await harness.RefreshAsync();

        var response = await harness.ForwardAsync(["fra1"]);

        Assert.Equal(SignResponse.OutcomeOneofCase.Result, response.OutcomeCase);
        Assert.Equal("signed by ks-fra1", response.Result.ToStringUtf8());
        Assert.Equal(42ul, response.Id);
        Assert.Equal(new ServedBy { KeyserverId = "ks-fra1", Datacenter = "fra1" }, response.ServedBy);
        Assert.Equal([ForwardingHarness.SelfId], fra.ForwardedBy);
        Assert.Equal(ForwardingHarness.Request(), fra.LastRequest);
        Assert.Equal(1, harness.Meters.Sum(ForwardingInstruments.Requests, (KeyServerInstruments.ErrorCodeTag, "OK"), (ForwardingInstruments.AnsweredByTag, "remote")));
        Assert.Equal(1, harness.Meters.Sum(ForwardingInstruments.Attempts, (ForwardingInstruments.AttemptOutcomeTag, "answered")));
    }

    [Fact]
    public async Task Forward_WhenTheUpstreamAnswersOverloaded_ReturnsOverloadedAtOnce_AndSendsExactlyOneRequest()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1", UpstreamBehaviour.Overloaded);
        var sfo = await harness.AddUpstreamAsync("ks-sfo1", "sfo1");
        await harness.RefreshAsync();

        var response = await harness.ForwardAsync(FraAndSfo);

        Assert.Equal(ErrorCode.Overloaded, response.Error.Code);
        Assert.Equal("ks-fra1", response.ServedBy.KeyserverId);
        Assert.Equal(1, fra.ReceivedCount);
        Assert.Equal(0, sfo.ReceivedCount);
        Assert.Equal(1, harness.Meters.Sum(ForwardingInstruments.Requests, (KeyServerInstruments.ErrorCodeTag, "OVERLOADED"), (ForwardingInstruments.AnsweredByTag, "remote")));
    }

    [Fact]
    public async Task Forward_WhenTheFirstUpstreamBlackHoles_RetriesToAnotherWithinTheDeadline()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1", UpstreamBehaviour.BlackHole);
        var sfo = await harness.AddUpstreamAsync("ks-sfo1", "sfo1");
        await harness.RefreshAsync();

        var forwarding = harness.ForwardAsync(FraAndSfo, budget: TimeSpan.FromMinutes(1));
        await harness.NextArrivalAsync();
        Assert.Equal(1, fra.ReceivedCount);
        Assert.False(forwarding.IsCompleted);
        harness.Clock.Advance(ForwardingHarness.AttemptTimeout);
        var response = await forwarding;

        Assert.Equal(SignResponse.OutcomeOneofCase.Result, response.OutcomeCase);
        Assert.Equal("ks-sfo1", response.ServedBy.KeyserverId);
        Assert.Equal(1, fra.ReceivedCount);
        Assert.Equal(1, sfo.ReceivedCount);
        Assert.Equal(1, harness.Meters.Sum(ForwardingInstruments.Attempts, (ForwardingInstruments.AttemptOutcomeTag, "timed_out")));
    }

    [Fact]
    public async Task Forward_WhenEveryUpstreamBlackHoles_StopsAtTheAttemptCap_AndAnswersUnavailableNamingThem()
    {
        await using var harness = await ForwardingHarness.StartAsync(new Dictionary<string, string?> { ["MaxAttempts"] = "3" });
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1", UpstreamBehaviour.BlackHole);
        var ams = await harness.AddUpstreamAsync("ks-ams1", "ams1", UpstreamBehaviour.BlackHole);
        await harness.RefreshAsync();

        var forwarding = harness.ForwardAsync(["fra1", "ams1"], budget: TimeSpan.FromHours(1));
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await harness.NextArrivalAsync();
            Assert.Equal(attempt, fra.ReceivedCount + ams.ReceivedCount);
            harness.Clock.Advance(ForwardingHarness.AttemptTimeout);
        }

        var response = await forwarding;

        Assert.Equal(ErrorCode.Unavailable, response.Error.Code);
        Assert.Equal(ForwardingHarness.SelfId, response.ServedBy.KeyserverId);
        Assert.Contains("ks-fra1 (fra1, EU)", response.Error.Message, StringComparison.Ordinal);
        Assert.Contains("ks-ams1 (ams1, EU)", response.Error.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", response.Error.Message, StringComparison.Ordinal);
        Assert.Equal(3, fra.ReceivedCount + ams.ReceivedCount);

        // Each retry went to the other keyserver.
        Assert.InRange(fra.ReceivedCount, 1, 2);
        Assert.InRange(ams.ReceivedCount, 1, 2);
    }

    [Fact]
    public async Task Forward_WhenTheDeadlinePassesDuringTheAttempts_AnswersDeadlineExceeded_AtTheDeadline()
    {
        await using var harness = await ForwardingHarness.StartAsync(new Dictionary<string, string?> { ["MaxAttempts"] = "10" });
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1", UpstreamBehaviour.BlackHole);
        var ams = await harness.AddUpstreamAsync("ks-ams1", "ams1", UpstreamBehaviour.BlackHole);
        await harness.RefreshAsync();
        var budget = ForwardingHarness.AttemptTimeout * 2.5;
        var deadline = harness.Clock.GetUtcNow() + budget;

        var forwarding = harness.ForwardAsync(["fra1", "ams1"], budget);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await harness.NextArrivalAsync();
            harness.Clock.Advance(ForwardingHarness.AttemptTimeout);
        }

        var response = await forwarding;

        Assert.Equal(ErrorCode.DeadlineExceeded, response.Error.Code);
        Assert.Equal(ForwardingHarness.SelfId, response.ServedBy.KeyserverId);
        Assert.Contains("deadline", response.Error.Message, StringComparison.Ordinal);

        // The third attempt had half an attempt's time left; no fourth was sent.
        Assert.Equal(3, fra.ReceivedCount + ams.ReceivedCount);
        Assert.True(harness.Clock.GetUtcNow() >= deadline);
    }

    [Fact]
    public async Task Forward_WhenAnUpstreamRefusesConnections_RetriesToAnother()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        await harness.AddClosedPortAsync("ks-fra1", "fra1");
        var sfo = await harness.AddUpstreamAsync("ks-sfo1", "sfo1");
        await harness.RefreshAsync();

        var response = await harness.ForwardAsync(FraAndSfo);

        Assert.Equal("ks-sfo1", response.ServedBy.KeyserverId);
        Assert.Equal(1, sfo.ReceivedCount);
        Assert.Equal(1, harness.Meters.Sum(ForwardingInstruments.Attempts, (ForwardingInstruments.AttemptOutcomeTag, "connection_failed")));
    }

    [Fact]
    public async Task Forward_WhenEveryUpstreamRefusesConnections_AnswersUnavailable_AfterTheCap()
    {
        await using var harness = await ForwardingHarness.StartAsync(new Dictionary<string, string?> { ["MaxAttempts"] = "4" });
        await harness.AddClosedPortAsync("ks-fra1", "fra1");
        await harness.AddClosedPortAsync("ks-sfo1", "sfo1");
        await harness.RefreshAsync();

        var response = await harness.ForwardAsync(FraAndSfo);

        Assert.Equal(ErrorCode.Unavailable, response.Error.Code);
        Assert.Equal(ForwardingHarness.SelfId, response.ServedBy.KeyserverId);
        Assert.Contains("EU, NA", response.Error.Message, StringComparison.Ordinal);
        Assert.Contains("ks-fra1", response.Error.Message, StringComparison.Ordinal);
        Assert.Contains("ks-sfo1", response.Error.Message, StringComparison.Ordinal);
        Assert.Equal(4, harness.Meters.Sum(ForwardingInstruments.Attempts, (ForwardingInstruments.AttemptOutcomeTag, "connection_failed")));
        Assert.Equal(1, harness.Meters.Sum(ForwardingInstruments.Requests, (KeyServerInstruments.ErrorCodeTag, "UNAVAILABLE"), (ForwardingInstruments.AnsweredByTag, "forwarder")));
    }

    [Fact]
    public async Task Forward_PrefersTheNearestPermittedRegion()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        await harness.AddUpstreamAsync("ks-fra1", "fra1");
        await harness.AddUpstreamAsync("ks-sfo1", "sfo1");
        await harness.AddUpstreamAsync("ks-sin1", "sin1");
        await harness.RefreshAsync();

        Assert.Equal("ks-fra1", (await harness.ForwardAsync(["sin1", "sfo1", "fra1"])).ServedBy.KeyserverId);
        Assert.Equal("ks-sfo1", (await harness.ForwardAsync(["sin1", "sfo1"])).ServedBy.KeyserverId);
        Assert.Equal("ks-sin1", (await harness.ForwardAsync(["sin1"])).ServedBy.KeyserverId);
    }

    [Fact]
    public async Task Forward_WhenNoPermittedKeyserverIsKnown_AnswersUnavailableNamingTheDatacenters()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1");

        var beforeFirstRead = await harness.ForwardAsync(["fra1"]);
        await harness.RefreshAsync();
        var unknown = await harness.ForwardAsync(["sin1", "nyc1"]);

        Assert.Equal(ErrorCode.Unavailable, beforeFirstRead.Error.Code);
        Assert.Contains("not read", beforeFirstRead.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Unavailable, unknown.Error.Code);
        Assert.Contains("sin1, nyc1", unknown.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ForwardingHarness.SelfId, unknown.ServedBy.KeyserverId);
        Assert.Equal(0, fra.ReceivedCount);
    }

    [Fact]
    public async Task Forward_WhenTheDeadlineHasPassed_AnswersDeadlineExceeded_WithoutSending()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1");
        await harness.RefreshAsync();

        var response = await harness.ForwardAsync(["fra1"], budget: TimeSpan.Zero);

        Assert.Equal(ErrorCode.DeadlineExceeded, response.Error.Code);
        Assert.Equal(0, fra.ReceivedCount);
    }

    [Fact]
    public async Task Forward_WhenTheCallerCancels_ThrowsOperationCanceled_AndEndsTheRemoteCall()
    {
        await using var harness = await ForwardingHarness.StartAsync();
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1", UpstreamBehaviour.BlackHole);
        await harness.RefreshAsync();
        using var caller = new CancellationTokenSource();

        var forwarding = harness.ForwardAsync(["fra1"], cancellationToken: caller.Token);
        await harness.NextArrivalAsync();
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => forwarding);
        Assert.Equal(1, fra.ReceivedCount);
    }

    [Fact]
    public async Task Forward_WhenAnUpstreamKeepsFailing_OpensItsCircuit_SkipsIt_ThenClosesAfterTheBreak()
    {
        var breakDuration = TimeSpan.FromSeconds(5);
        await using var harness = await ForwardingHarness.StartAsync(new Dictionary<string, string?>
        {
            ["BreakerMinimumThroughput"] = "2",
            ["BreakerFailureRatio"] = "0.5",
            ["BreakerSamplingDuration"] = "00:00:30",
            ["BreakDuration"] = breakDuration.ToString(),
        });
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1", UpstreamBehaviour.Unavailable);
        var sfo = await harness.AddUpstreamAsync("ks-sfo1", "sfo1");
        await harness.RefreshAsync();
        var fraEndpoint = "https://" + fra.Authority;

        // Two failures of two attempts open the circuit; sfo1 answers each time.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("ks-sfo1", (await harness.ForwardAsync(FraAndSfo)).ServedBy.KeyserverId);
        }

        Assert.Equal(2, fra.ReceivedCount);
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, harness.Upstreams.StateOf(fraEndpoint));
        await harness.Logs.WhenLoggedAsync("CircuitOpened");

        // While open, fra1 is skipped: its counter stops growing.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("ks-sfo1", (await harness.ForwardAsync(FraAndSfo)).ServedBy.KeyserverId);
        }

        Assert.Equal(2, fra.ReceivedCount);
        Assert.Equal(5, sfo.ReceivedCount);
        Assert.Equal(3, harness.Meters.Sum(ForwardingInstruments.CircuitSkips));

        // After the break one trial call goes through; it succeeds and the circuit closes.
        fra.Behaviour = UpstreamBehaviour.Answer;
        harness.Clock.Advance(breakDuration + TimeSpan.FromMilliseconds(1));
        Assert.Equal("ks-fra1", (await harness.ForwardAsync(FraAndSfo)).ServedBy.KeyserverId);
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, harness.Upstreams.StateOf(fraEndpoint));
        Assert.Equal("ks-fra1", (await harness.ForwardAsync(FraAndSfo)).ServedBy.KeyserverId);
        Assert.Equal(4, fra.ReceivedCount);
        Assert.Equal(5, sfo.ReceivedCount);
        await harness.Logs.WhenLoggedAsync("CircuitClosed");
    }

    [Fact]
    public async Task Forward_WhenEveryCircuitIsOpen_AnswersUnavailable_WithoutSending()
    {
        await using var harness = await ForwardingHarness.StartAsync(new Dictionary<string, string?>
        {
            ["MaxAttempts"] = "2",
            ["BreakerMinimumThroughput"] = "2",
        });
        var fra = await harness.AddUpstreamAsync("ks-fra1", "fra1", UpstreamBehaviour.Unavailable);
        await harness.RefreshAsync();

        // Two failed attempts (one request, retried to the only keyserver) open the circuit.
        Assert.Equal(ErrorCode.Unavailable, (await harness.ForwardAsync(["fra1"])).Error.Code);
        Assert.Equal(2, fra.ReceivedCount);
        var response = await harness.ForwardAsync(["fra1"]);

        Assert.Equal(ErrorCode.Unavailable, response.Error.Code);
        Assert.Contains("circuit is open", response.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, fra.ReceivedCount);
    }
}
