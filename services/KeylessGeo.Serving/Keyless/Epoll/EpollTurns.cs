using System.Diagnostics;
using System.Runtime.InteropServices;
using KeylessGeo.Native;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// Keeps a busy loop from starving a sibling loop that shares its core. When there are more runnable
/// threads than cores (a client on the same machine, a CPU quota, a noisy neighbour), two loops can
/// share one core, and a loop that keeps finding events never sleeps: the kernel then switches to the
/// other only at its tick, every few milliseconds, and the waiting loop's connections sit unanswered
/// all that time. So each loop counts its progress (events handled) and says when it sleeps; a loop
/// that has worked for a <see cref="Quantum"/> without sleeping looks at its siblings and gives up its
/// core once (<c>sched_yield</c>) when one of them is waiting: awake but with no progress since the
/// last look (preempted mid-batch), or asleep on an epoll set that holds events (woken, not yet run).
/// The kernel then runs that sibling if it shares this core, and returns at once if it does not. A
/// sibling busy on a core of its own makes progress, so it is left alone. The look costs a few reads
/// and at most one <c>poll</c> per quantum of continuous work, and nothing to a loop that sleeps
/// between requests. Lock-free: each loop writes only its own stamp.
/// </summary>
internal sealed class EpollTurns
{
    /// <summary>How long a loop works before it looks at its siblings: a quarter millisecond.</summary>
    public static readonly long Quantum = Stopwatch.Frequency / 4_000;

    /// <summary>An <c>epoll_wait</c> that took longer than this slept (or was preempted): the loop's work since starts afresh.</summary>
    public static readonly long Slept = Stopwatch.Frequency / 50_000;

    private readonly Stamp[] _stamps;

    public EpollTurns(int loops) => _stamps = new Stamp[loops];

    /// <summary>Loop <paramref name="loop"/>'s seat, over its epoll set (before the loops start; one per loop).</summary>
    public Seat Join(int loop, int epoll)
    {
        _stamps[loop].Epoll = epoll;
        return new Seat(this, loop);
    }

    /// <summary>One loop's view: written only by that loop's thread.</summary>
    internal sealed unsafe class Seat
    {
        private readonly EpollTurns _turns;
        private readonly int _loop;
        private readonly long[] _seen;
        private long _progress;
        private long _awakeSince;
        private long _waitedFrom;

        internal Seat(EpollTurns turns, int loop)
        {
            _turns = turns;
            _loop = loop;
            _seen = new long[turns._stamps.Length];
        }

        /// <summary>The loop is about to wait for events, at <paramref name="now"/> (a <see cref="Stopwatch"/> timestamp).</summary>
        public void Sleeping(long now)
        {
            Volatile.Write(ref _turns._stamps[_loop].Asleep, true);
            _waitedFrom = now;
        }

        /// <summary>The loop took its events at <paramref name="now"/>; its continuous work starts afresh when the wait slept.</summary>
        public void Woke(long now)
        {
            Volatile.Write(ref _turns._stamps[_loop].Asleep, false);
            if (now - _waitedFrom > Slept)
            {
                _awakeSince = now;
            }
        }

        /// <summary>The loop handled an event or a batch of posted work.</summary>
        public void Progressed() => Volatile.Write(ref _turns._stamps[_loop].Progress, ++_progress);

        /// <summary>
        /// At <paramref name="now"/>: when the loop has worked a quantum without sleeping (or since it
        /// last looked), looks at its siblings and yields the core if one is waiting. Returns whether it
        /// yielded.
        /// </summary>
        public bool GiveWayIfDue(long now)
        {
            var stamps = _turns._stamps;
            if (stamps.Length < 2 || now - _awakeSince < Quantum)
            {
                return false;
            }

            _awakeSince = now;
            if (!AnySiblingWaiting(stamps))
            {
                return false;
            }

            LibC.SchedYield();
            return true;
        }

        private bool AnySiblingWaiting(Stamp[] stamps)
        {
            var sleepers = stackalloc PollFd[stamps.Length];
            var count = 0;
            var waiting = false;
            for (var i = 0; i < stamps.Length; i++)
            {
                if (i == _loop)
                {
                    continue;
                }

                var progress = Volatile.Read(ref stamps[i].Progress);
                if (Volatile.Read(ref stamps[i].Asleep))
                {
                    sleepers[count++] = new PollFd { Fd = stamps[i].Epoll, Events = LibC.PollIn };
                }
                else if (progress == _seen[i])
                {
                    // Awake and nothing done for a quantum: it is runnable but not running.
                    waiting = true;
                }

                _seen[i] = progress;
            }

            // An epoll set polls readable while it holds events its loop has not taken.
            return waiting || (count > 0 && LibC.Poll(sleepers, (nuint)count, 0) > 0);
        }
    }

    /// <summary>One loop's stamp on a cache line of its own, so loops stamping never contend.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Stamp
    {
        [FieldOffset(64)]
        public long Progress;

        [FieldOffset(72)]
        public bool Asleep;

        [FieldOffset(76)]
        public int Epoll;
    }
}
