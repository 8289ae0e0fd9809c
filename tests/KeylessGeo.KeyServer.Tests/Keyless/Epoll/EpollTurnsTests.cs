using KeylessGeo.Native;
using KeylessGeo.Serving.Keyless.Epoll;

namespace KeylessGeo.KeyServer.Tests.Keyless.Epoll;

/// <summary>
/// When an event loop gives up its core to a sibling (<see cref="EpollTurns"/>): only after a quantum of
/// continuous work, and only for a sibling that is waiting: awake with no progress since the last
/// look, or asleep on an epoll set holding events. Timestamps are the test's own; the epoll sets and
/// the eventfd are real.
/// </summary>
public sealed class EpollTurnsTests : IDisposable
{
    private static readonly long Quantum = EpollTurns.Quantum;
    private readonly List<int> _descriptors = [];

    [Fact]
    public void ALoneLoop_NeverLooks()
    {
        var alone = new EpollTurns(1).Join(0, NewEpollSet());
        alone.Sleeping(0);
        alone.Woke(EpollTurns.Slept + 1);

        Assert.False(alone.GiveWayIfDue(100 * Quantum));
    }

    [Fact]
    public void ASiblingAwakeAndProgressing_IsLeftAlone_AndOneThatStoppedProgressing_GetsTheCore()
    {
        var (loop, sibling) = TwoLoopsBothAwake();
        sibling.Progressed();
        var awake = Wake(loop, at: 1_000_000);

        Assert.False(loop.GiveWayIfDue(awake + Quantum - 1));
        Assert.False(loop.GiveWayIfDue(awake + Quantum));
        sibling.Progressed();
        Assert.False(loop.GiveWayIfDue(awake + (2 * Quantum)));
        Assert.True(loop.GiveWayIfDue(awake + (3 * Quantum)));
    }

    [Fact]
    public void LooksAtMostOnceAQuantum()
    {
        var (loop, _) = TwoLoopsBothAwake();
        var awake = Wake(loop, at: 1_000_000);

        Assert.True(loop.GiveWayIfDue(awake + Quantum));
        Assert.False(loop.GiveWayIfDue(awake + Quantum + 1));
        Assert.True(loop.GiveWayIfDue(awake + (2 * Quantum)));
    }

    [Fact]
    public void AWaitThatSlept_StartsTheQuantumAfresh()
    {
        var (loop, _) = TwoLoopsBothAwake();
        var first = Wake(loop, at: 1_000_000);
        var second = Wake(loop, at: first + Quantum - 1);

        Assert.False(loop.GiveWayIfDue(second + Quantum - 1));
        Assert.True(loop.GiveWayIfDue(second + Quantum));
    }

    [Fact]
    public void ASiblingAsleep_GetsTheCoreOnlyWhenItsEpollSetHoldsEvents()
    {
        var turns = new EpollTurns(2);
        var loop = turns.Join(0, NewEpollSet());
        var siblingSet = NewEpollSet();
        var sibling = turns.Join(1, siblingSet);
        sibling.Sleeping(0);
        var awake = Wake(loop, at: 1_000_000);

        Assert.False(loop.GiveWayIfDue(awake + Quantum));

        // An eventfd created with a count of 1 is readable at once: an event the sibling has not taken.
        var wake = LibC.EventFd(1, LibC.EventFdCloexec | LibC.EventFdNonBlock);
        Assert.True(wake >= 0);
        _descriptors.Add(wake);
        Assert.True(EpollEvents.Control(siblingSet, LibC.EpollCtlAdd, wake, LibC.EpollIn, 1));

        Assert.True(loop.GiveWayIfDue(awake + (2 * Quantum)));
    }

    public void Dispose()
    {
        foreach (var descriptor in _descriptors)
        {
            LibC.Close(descriptor);
        }
    }

    /// <summary>Loop 0 and its sibling, loop 1, awake since it woke from a wait that slept.</summary>
    private (EpollTurns.Seat Loop, EpollTurns.Seat Sibling) TwoLoopsBothAwake()
    {
        var turns = new EpollTurns(2);
        var loop = turns.Join(0, NewEpollSet());
        var sibling = turns.Join(1, NewEpollSet());
        sibling.Woke(EpollTurns.Slept + 1);
        return (loop, sibling);
    }

    /// <summary>The loop sleeps and wakes (a wait longer than <see cref="EpollTurns.Slept"/>); returns when it woke.</summary>
    private static long Wake(EpollTurns.Seat loop, long at)
    {
        loop.Sleeping(at);
        var woke = at + EpollTurns.Slept + 1;
        loop.Woke(woke);
        return woke;
    }

    private int NewEpollSet()
    {
        var epoll = LibC.EpollCreate(LibC.EpollCloexec);
        Assert.True(epoll >= 0);
        _descriptors.Add(epoll);
        return epoll;
    }
}
