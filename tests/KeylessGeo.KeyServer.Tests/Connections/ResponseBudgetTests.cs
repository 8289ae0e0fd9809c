using KeylessGeo.Testing;
using KeylessGeo.Serving.Connections;

using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Connections;

public sealed class ResponseBudgetTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(4);

    [Fact]
    public void TryReserve_StopsAConnectionAtItsCap_WhileOthersStillReserve()
    {
        using var budget = new ResponseBudget(limit: 10_000, perConnectionLimit: 1_000, Grace, new ManualClock());
        using var slow = budget.Open(static (_, _) => { });
        using var fast = budget.Open(static (_, _) => { });

        Assert.Equal(ResponseReservation.Reserved, slow.TryReserve(600));
        Assert.Equal(ResponseReservation.Reserved, slow.TryReserve(400));
        Assert.Equal(ResponseReservation.ConnectionFull, slow.TryReserve(1));
        Assert.Equal(ResponseReservation.Reserved, fast.TryReserve(1_000));

        Assert.Equal(2_000, budget.QueuedBytes);
        slow.Release(400);
        Assert.Equal(ResponseReservation.Reserved, slow.TryReserve(400));
    }

    [Fact]
    public void TryReserve_AnEmptyConnection_MayReserveOneMessageLargerThanItsCap()
    {
        using var budget = new ResponseBudget(limit: 10_000, perConnectionLimit: 1_000, Grace, new ManualClock());
        using var account = budget.Open(static (_, _) => { });

        Assert.Equal(ResponseReservation.Reserved, account.TryReserve(1_500));
        Assert.Equal(ResponseReservation.ConnectionFull, account.TryReserve(1));
    }

    [Fact]
    public void TryReserve_NeverLetsTheTotalPassTheLimit()
    {
        using var budget = new ResponseBudget(limit: 2_500, perConnectionLimit: 1_000, Grace, new ManualClock());
        var accounts = Enumerable.Range(0, 4).Select(_ => budget.Open(static (_, _) => { })).ToArray();

        var refusals = accounts.Select(a => a.TryReserve(900)).ToArray();

        Assert.Equal(
            [ResponseReservation.Reserved, ResponseReservation.Reserved, ResponseReservation.BudgetFull, ResponseReservation.BudgetFull],
            refusals);
        Assert.Equal(1_800, budget.QueuedBytes);
        Assert.Equal(ResponseReservation.Reserved, accounts[2].TryReserve(700));
        Assert.Equal(2_500, budget.PeakBytes);
        Array.ForEach(accounts, a => a.Dispose());
        Assert.Equal(0, budget.QueuedBytes);
        Assert.Equal(0, budget.Connections);
    }

    [Fact]
    public async Task WaitForRoomAsync_AtItsCap_EndsWhenTheConnectionReleases()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var budget = new ResponseBudget(limit: 10_000, perConnectionLimit: 1_000, Grace, new ManualClock());
        using var account = budget.Open(static (_, _) => { });
        account.TryReserve(1_000);

        var wait = account.WaitForRoomAsync(500, ResponseReservation.ConnectionFull, timeout.Token);
        Assert.False(wait.IsCompleted);
        account.Release(499);
        await wait.WaitAsync(timeout.Token);

        Assert.Equal(ResponseReservation.Reserved, account.TryReserve(499));
    }

    [Fact]
    public async Task WaitForRoomAsync_WhenTheBudgetIsSpent_EndsOnceAnEighthIsFreeAgain()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var budget = new ResponseBudget(limit: 8_000, perConnectionLimit: 4_000, Grace, new ManualClock());
        using var holder = budget.Open(static (_, _) => { });
        using var other = budget.Open(static (_, _) => { });
        using var waiting = budget.Open(static (_, _) => { });
        holder.TryReserve(4_000);
        other.TryReserve(4_000);
        Assert.Equal(ResponseReservation.BudgetFull, waiting.TryReserve(100));

        var wait = waiting.WaitForRoomAsync(100, ResponseReservation.BudgetFull, timeout.Token);
        holder.Release(500);
        Assert.False(wait.IsCompleted, "woken before an eighth of the budget was free");
        holder.Release(500);
        await wait.WaitAsync(timeout.Token);

        Assert.Equal(ResponseReservation.Reserved, waiting.TryReserve(100));
    }

    [Fact]
    public async Task Sweeper_ClosesAConnectionAboveItsFairShare_OnlyAfterTheGracePeriod_AndOnlyWhileOthersWait()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new ManualClock();
        using var budget = new ResponseBudget(limit: 8_000, perConnectionLimit: 8_000, Grace, clock);
        var closed = new List<(string Name, long Bytes, long Share)>();
        using var hog = budget.Open((bytes, share) => closed.Add(("hog", bytes, share)));
        using var modest = budget.Open((bytes, share) => closed.Add(("modest", bytes, share)));
        using var waiting = budget.Open((bytes, share) => closed.Add(("waiting", bytes, share)));
        hog.TryReserve(7_000);
        modest.TryReserve(1_000);

        // Nobody waits: holding the whole budget is allowed indefinitely.
        clock.Advance(Grace * 10);
        Assert.Empty(closed);

        Assert.Equal(ResponseReservation.BudgetFull, waiting.TryReserve(500));
        var wait = waiting.WaitForRoomAsync(500, ResponseReservation.BudgetFull, timeout.Token);
        clock.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.Empty(closed);
        clock.Advance(Grace);

        // Two connections hold bytes and one waits: the fair share is 2,666; only the hog is above it.
        Assert.Equal(("hog", 7_000L, 2_666L), Assert.Single(closed.Distinct()));
        Assert.False(wait.IsCompleted, "woken while there was no room");

        // The hog's close releases its bytes, and that wakes the waiting connection.
        hog.Dispose();
        await wait.WaitAsync(timeout.Token);
    }

    [Fact]
    public async Task Sweeper_ForgivesAConnectionSeenBelowItsShare_AndCountsTheGracePeriodAfresh()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new ManualClock();
        using var budget = new ResponseBudget(limit: 8_000, perConnectionLimit: 8_000, Grace, clock);
        var closed = 0;
        using var hog = budget.Open((_, _) => closed++);
        using var modest = budget.Open((_, _) => closed++);
        using var waiting = budget.Open((_, _) => closed++);
        hog.TryReserve(7_000);
        modest.TryReserve(1_000);
        var first = waiting.WaitForRoomAsync(500, ResponseReservation.BudgetFull, timeout.Token);

        // Marked by the sweep at half the grace period, then the hog's client reads.
        clock.Advance(Grace / 2);
        hog.Release(6_000);
        await first.WaitAsync(timeout.Token);
        clock.Advance(Grace / 2);

        // It fills up again: the grace period starts from the next sweep that sees it.
        Assert.Equal(ResponseReservation.Reserved, hog.TryReserve(6_000));
        var second = waiting.WaitForRoomAsync(500, ResponseReservation.BudgetFull, timeout.Token);
        clock.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.Equal(0, closed);
        clock.Advance(Grace);
        Assert.Equal(1, closed);
        hog.Dispose();
        await second.WaitAsync(timeout.Token);
    }

    [Fact]
    public async Task Sweeper_CountsWaitingConnections_SoASingleHolderOfTheWholeBudgetIsClosed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = new ManualClock();
        using var budget = new ResponseBudget(limit: 8_000, perConnectionLimit: 8_000, Grace, clock);
        var closed = new List<long>();
        using var hog = budget.Open((_, share) => closed.Add(share));
        using var waiting = budget.Open((_, _) => Assert.Fail("the waiting connection holds nothing"));
        hog.TryReserve(8_000);
        var wait = waiting.WaitForRoomAsync(100, ResponseReservation.BudgetFull, timeout.Token);

        clock.Advance(Grace + Grace);

        Assert.Equal(4_000, closed.Distinct().Single());
        hog.Dispose();
        await wait.WaitAsync(timeout.Token);
    }
}
